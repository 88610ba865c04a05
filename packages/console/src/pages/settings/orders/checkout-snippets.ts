/** How a shop passes the Beckon visitor id through checkout, so its order webhook names the visit. */
import type { CommercePlatform } from '../../../api/commerce.ts';
import { t } from '../../../i18n/i18n.ts';

export const PLATFORM_NAMES: Record<CommercePlatform, string> = {
  shopify: 'Shopify',
  woocommerce: 'WooCommerce',
};

type SnippetKind = CommercePlatform | 'api';

/** A snippet's title and where it goes, in the console's language. */
export function snippetText(kind: SnippetKind): { title: string; hint: string } {
  switch (kind) {
    case 'shopify':
      return {
        title: t('Shopify: a cart attribute'),
        hint: t(
          'In your theme ({path}), after the Beckon tag. The order webhook then carries it in {field}.',
          { path: 'Online Store › Themes › Edit code › theme.liquid', field: 'note_attributes' },
        ),
      };
    case 'woocommerce':
      return {
        title: t('WooCommerce: order meta data'),
        hint: t('In your theme’s {file} (or a small plugin). The order webhook then carries it in {field}.', {
          file: 'functions.php',
          field: 'meta_data',
        }),
      };
    case 'api':
      return {
        title: t('Any shop: from your server'),
        hint: t(
          'Send what {call} returns with the checkout form ({placeholder} below), then post the order with an API key. The same order id from the tag counts once.',
          { call: 'beckon(’visitorId’)', placeholder: 'VISITOR_ID' },
        ),
      };
  }
}

export const SNIPPETS: Record<SnippetKind, { title: string; hint: string; code: string }> = {
  shopify: {
    title: 'Shopify: a cart attribute',
    hint: 'In your theme (Online Store › Themes › Edit code › theme.liquid), after the Beckon tag. The order webhook then carries it in note_attributes.',
    code: `<script>
  // Keeps the Beckon visitor id on the cart; Shopify copies cart attributes onto the order.
  (function keep() {
    if (typeof window.beckon !== 'function') return setTimeout(keep, 300);
    fetch('/cart/update.js', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ attributes: { beckon_visitor_id: beckon('visitorId') } }),
    });
  })();
</script>`,
  },
  woocommerce: {
    title: 'WooCommerce: order meta data',
    hint: 'In your theme’s functions.php (or a small plugin). The order webhook then carries it in meta_data.',
    code: `// A hidden checkout field the Beckon tag fills with its visitor id…
add_action('woocommerce_after_order_notes', function () {
  echo '<input type="hidden" name="beckon_visitor_id" id="beckon_visitor_id">';
  echo "<script>(function f(){typeof beckon==='function'?document.getElementById('beckon_visitor_id').value=beckon('visitorId'):setTimeout(f,300)})()</script>";
});
// …saved on the order.
add_action('woocommerce_checkout_create_order', function ($order) {
  if (!empty($_POST['beckon_visitor_id'])) {
    $order->update_meta_data('beckon_visitor_id', sanitize_text_field($_POST['beckon_visitor_id']));
  }
});`,
  },
  api: {
    title: 'Any shop: from your server',
    hint: 'Send what beckon(\u2019visitorId\u2019) returns with the checkout form (VISITOR_ID below), then post the order with an API key. The same order id from the tag counts once.',
    code: `curl -X POST https://BECKON_HOST/api/v1/conversions \\
  -H "Authorization: Bearer $BECKON_API_KEY" -H "Content-Type: application/json" \\
  -d '{"orderId":"1001","value":59.90,"currency":"EUR","visitorId":"VISITOR_ID"}'`,
  },
};
