// Hearth & Oak demo store: cart in localStorage, and what the shop tells Beckon about it.
// The Beckon tag is loaded separately (async); calls made before it arrives wait in the queue.
window.beckon = window.beckon || [];

(() => {
  const CATALOG = {
    'LAMP-OAK': { name: 'Oak Desk Lamp', price: 189, category: 'Lighting', slug: 'lamp' },
    'THROW-LIN': { name: 'Washed Linen Throw', price: 129, category: 'Textiles', slug: 'throw' },
    'POUR-CER': { name: 'Ceramic Pour-Over Set', price: 64, category: 'Kitchen', slug: 'pour-over' },
    'MUG-STN': { name: 'Stoneware Mugs, Set of 4', price: 48, category: 'Kitchen', slug: 'mugs' },
  };
  const CURRENCY = 'USD';
  const FREE_SHIPPING_FROM = 100;
  const SHIPPING = 8;
  const money = (n) => `$${n.toFixed(2).replace(/\.00$/, '')}`;
  const $ = (sel) => document.querySelector(sel);

  const read = (key, fallback) => {
    try {
      return JSON.parse(localStorage.getItem(key)) ?? fallback;
    } catch {
      return fallback;
    }
  };
  const write = (key, value) => {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // private mode without storage: the cart lives for this page only
    }
  };

  /** Cart lines with catalog data: [{ sku, name, price, quantity }]. */
  const cartLines = () =>
    read('demo.cart', [])
      .filter((l) => CATALOG[l.sku] && l.quantity > 0)
      .map((l) => ({
        sku: l.sku,
        name: CATALOG[l.sku].name,
        price: CATALOG[l.sku].price,
        quantity: l.quantity,
      }));
  const subtotal = (lines) => lines.reduce((n, l) => n + l.price * l.quantity, 0);
  const shipping = (lines) => (lines.length === 0 || subtotal(lines) >= FREE_SHIPPING_FROM ? 0 : SHIPPING);

  /** Tells Beckon what is in the cart (the "cart" engagement attribute). */
  const reportCart = (lines) => {
    window.beckon.push(['attr', 'cart', { items: lines, total: subtotal(lines), currency: CURRENCY }]);
  };

  const saveCart = (lines) => {
    write(
      'demo.cart',
      lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    );
    reportCart(lines);
    renderCount();
  };

  const renderCount = () => {
    const count = cartLines().reduce((n, l) => n + l.quantity, 0);
    for (const el of document.querySelectorAll('[data-cart-count]')) {
      el.textContent = String(count);
      el.classList.toggle('has-items', count > 0);
    }
  };

  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  };

  const renderTotals = (target, lines) => {
    const ship = shipping(lines);
    const rows = [
      ['Subtotal', money(subtotal(lines))],
      ['Shipping', ship === 0 ? 'Free' : money(ship)],
      ['Total', money(subtotal(lines) + ship)],
    ];
    target.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  };

  const renderSummaryLines = (target, lines) => {
    target.replaceChildren(
      ...lines.map((l) =>
        el(
          'li',
          {},
          el('img', { src: `/demo/assets/${CATALOG[l.sku].slug}.svg`, alt: '', width: '56', height: '70' }),
          el('span', { class: 'summary-name' }, l.name, el('small', {}, `Qty ${l.quantity}`)),
          el('span', { class: 'summary-price' }, money(l.price * l.quantity)),
        ),
      ),
    );
  };

  // --- pages -------------------------------------------------------------------------------

  const productPage = () => {
    const sku = document.body.dataset.sku;
    const product = CATALOG[sku];
    if (!product) return;
    window.beckon.push([
      'attr',
      'product_view',
      { sku, name: product.name, price: product.price, category: product.category },
    ]);
    const form = $('[data-add-form]');
    const status = $('[data-added]');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const quantity = Number(new FormData(form).get('quantity')) || 1;
      const lines = cartLines();
      const line = lines.find((l) => l.sku === sku);
      if (line) line.quantity += quantity;
      else lines.push({ sku, name: product.name, price: product.price, quantity });
      saveCart(lines);
      status.replaceChildren(
        `Added ${quantity} to your cart. `,
        el('a', { href: '/demo/cart' }, 'View cart →'),
      );
    });
  };

  const productsPage = () => {
    const form = $('[data-search]');
    const cards = document.querySelectorAll('[data-product-grid] .product-card');
    const none = $('[data-no-results]');
    const filter = (q) => {
      let shown = 0;
      for (const card of cards) {
        const match = !q || card.dataset.name.includes(q);
        card.hidden = !match;
        if (match) shown++;
      }
      none.hidden = shown > 0;
    };
    form.addEventListener('input', () => filter(form.q.value.trim().toLowerCase()));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const keywords = form.q.value.trim();
      filter(keywords.toLowerCase());
      if (keywords) window.beckon.push(['attr', 'search', { keywords }]);
    });
  };

  const cartPage = () => {
    const list = $('[data-cart-lines]');
    const render = () => {
      const lines = cartLines();
      $('[data-empty-cart]').hidden = lines.length > 0;
      $('.cart-layout').hidden = lines.length === 0;
      const change = (sku, delta) => {
        const next = cartLines()
          .map((l) => (l.sku === sku ? { ...l, quantity: l.quantity + delta } : l))
          .filter((l) => l.quantity > 0);
        saveCart(next);
        render();
      };
      list.replaceChildren(
        ...lines.map((l) =>
          el(
            'li',
            { class: 'cart-line' },
            el('img', {
              src: `/demo/assets/${CATALOG[l.sku].slug}.svg`,
              alt: '',
              width: '96',
              height: '120',
            }),
            el(
              'div',
              { class: 'line-info' },
              el('a', { href: `/demo/product-${CATALOG[l.sku].slug}`, class: 'line-name' }, l.name),
              el('span', { class: 'muted' }, money(l.price)),
              el(
                'div',
                { class: 'stepper', role: 'group', 'aria-label': `Quantity of ${l.name}` },
                el(
                  'button',
                  { type: 'button', 'aria-label': 'One less', onclick: () => change(l.sku, -1) },
                  '−',
                ),
                el('output', { 'aria-live': 'polite' }, String(l.quantity)),
                el(
                  'button',
                  { type: 'button', 'aria-label': 'One more', onclick: () => change(l.sku, 1) },
                  '+',
                ),
              ),
            ),
            el(
              'div',
              { class: 'line-end' },
              el('span', { class: 'line-total' }, money(l.price * l.quantity)),
              el(
                'button',
                { type: 'button', class: 'remove', onclick: () => change(l.sku, -l.quantity) },
                'Remove',
              ),
            ),
          ),
        ),
      );
      renderTotals($('[data-cart-summary] [data-totals]'), lines);
    };
    render();
  };

  const checkoutPage = () => {
    const lines = cartLines();
    renderSummaryLines($('[data-summary-lines]'), lines);
    renderTotals($('[data-totals]'), lines);
    const form = $('[data-checkout-form]');
    const error = $('[data-form-error]');
    if (lines.length === 0) {
      error.replaceChildren(
        'Your cart is empty. ',
        el('a', { href: '/demo/products' }, 'Find something you like →'),
      );
      form.querySelector('button[type=submit]').disabled = true;
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const missing = [...form.querySelectorAll('input[required]')].find((i) => !i.value.trim());
      if (missing) {
        error.textContent = 'Please fill in every field.';
        missing.focus();
        return;
      }
      const data = new FormData(form);
      const order = {
        orderId: `HO-${Date.now().toString(36).toUpperCase()}`,
        items: lines,
        total: subtotal(lines) + shipping(lines),
        currency: CURRENCY,
        email: String(data.get('email')),
      };
      write('demo.last_order', { ...order, reported: false });
      window.beckon.push(['attr', 'personal', { name: String(data.get('name')).slice(0, 200) }]);
      saveCart([]);
      location.assign('/demo/confirmation');
    });
  };

  const confirmationPage = () => {
    const order = read('demo.last_order', null);
    if (!order) {
      $('[data-confirmation]').hidden = true;
      $('[data-no-order]').hidden = false;
      return;
    }
    $('[data-order-id]').textContent = order.orderId;
    $('[data-order-email]').textContent = order.email;
    renderSummaryLines($('[data-summary-lines]'), order.items);
    renderTotals($('[data-totals]'), order.items);
    // A purchase is a conversion: report it once, not on every reload of this page.
    if (!order.reported) {
      window.beckon.push([
        'attr',
        'purchase',
        { orderId: order.orderId, total: order.total, currency: order.currency, items: order.items },
      ]);
      write('demo.last_order', { ...order, reported: true });
    }
  };

  const pages = {
    product: productPage,
    products: productsPage,
    cart: cartPage,
    checkout: checkoutPage,
    confirmation: confirmationPage,
  };
  renderCount();
  const lines = cartLines();
  // Keep Beckon's picture of the cart true on every page (a new visit starts without it).
  if (lines.length > 0 && document.body.dataset.page !== 'confirmation') reportCart(lines);
  pages[document.body.dataset.page]?.();
})();
