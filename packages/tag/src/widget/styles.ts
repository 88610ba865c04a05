/**
 * The widget's stylesheet. It lives inside the shadow root and is applied with a constructable
 * stylesheet (`adoptedStyleSheets`), which a page's Content-Security-Policy does not treat as an
 * inline style, so no `'unsafe-inline'` is needed. `:host` rules are `!important` because, for
 * important declarations, the shadow tree's context wins over the page's — even over
 * `* { display: none !important }`.
 */
export const CSS = `
:host{all:initial!important;display:block!important;position:fixed!important;top:0!important;left:0!important;
width:0!important;height:0!important;overflow:visible!important;z-index:2147483647!important;visibility:visible!important}
*,*::before,*::after{box-sizing:border-box}
.bk{--accent:#4338ca;--accent-dark:#3730a3;--ring:#6366f1;--ink:#111827;--muted:#4b5563;--line:#e5e7eb;--soft:#f3f4f6;
font:400 15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);
-webkit-font-smoothing:antialiased;text-align:start;letter-spacing:normal}
.card{position:fixed;right:24px;bottom:24px;width:368px;max-width:calc(100vw - 24px);background:#fff;border-radius:18px;
box-shadow:0 18px 48px rgba(17,24,39,.18),0 2px 8px rgba(17,24,39,.08);border:1px solid rgba(17,24,39,.06);
padding:20px;animation:bk-in .28s cubic-bezier(.2,.8,.2,1)}
.card:focus{outline:none}
.card:focus-visible,.panel:focus-visible{outline:2px solid rgba(129,140,248,.5);outline-offset:2px}
.overlay{position:fixed;inset:0;display:flex;align-items:center;justify-content:center;padding:16px;
background:rgba(17,24,39,.5);animation:bk-fade .2s ease-out}
.overlay .card{position:relative;right:auto;bottom:auto;width:420px}
.head{display:flex;align-items:center;gap:12px;padding-right:36px}
.avatar{flex:none;width:44px;height:44px;border-radius:50%;display:flex;align-items:center;justify-content:center;
background:linear-gradient(135deg,#6366f1,#4338ca);color:#fff;font-weight:700;font-size:16px;position:relative}
.avatar svg{stroke:#fff;fill:none;stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}
.avatar::after{content:"";position:absolute;right:0;bottom:1px;width:11px;height:11px;border-radius:50%;
background:#22c55e;border:2px solid #fff}
.avatar.away{background:linear-gradient(135deg,#9ca3af,#6b7280)}
.avatar.away::after{background:#d1d5db}
.who{min-width:0}
.name{font-weight:650;font-size:15px;line-height:1.25;margin:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.status{font-size:13px;color:var(--muted);margin:2px 0 0}
.msg{margin:14px 0 18px;font-size:15px;color:var(--ink);overflow-wrap:anywhere;white-space:pre-line}
.actions{display:flex;gap:8px;flex-wrap:wrap}
.btn{appearance:none;border:0;margin:0;display:inline-flex;align-items:center;justify-content:center;gap:8px;
min-height:42px;padding:0 18px;border-radius:11px;font-family:inherit;font-size:14.5px;font-weight:600;line-height:1.2;cursor:pointer;white-space:nowrap;
text-decoration:none;transition:background-color .15s,box-shadow .15s,transform .05s}
.btn:active{transform:translateY(1px)}
.btn svg{stroke:currentColor;fill:none;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.primary{background:var(--accent);color:#fff;flex:1 1 auto;box-shadow:0 1px 2px rgba(67,56,202,.35)}
.primary:hover{background:var(--accent-dark)}
.secondary{background:var(--soft);color:var(--ink)}
.secondary:hover{background:#e5e7eb}
button:focus-visible{outline:3px solid var(--ring);outline-offset:2px}
.x{appearance:none;position:absolute;top:14px;right:14px;width:34px;height:34px;border:0;border-radius:50%;
background:transparent;color:var(--muted);display:flex;align-items:center;justify-content:center;cursor:pointer;padding:0}
.x:hover{background:var(--soft);color:var(--ink)}
.x svg{stroke:currentColor;fill:none;stroke-width:2;stroke-linecap:round}
.offer{padding:0;overflow:hidden}
.offer img{display:block;width:100%;aspect-ratio:16/9;object-fit:cover;background:var(--soft)}
.offer .body{padding:18px 20px 20px}
.offer .x{background:rgba(255,255,255,.92);color:var(--ink);box-shadow:0 1px 4px rgba(17,24,39,.2)}
.eyebrow{font-size:12px;font-weight:650;letter-spacing:.06em;text-transform:uppercase;color:var(--accent);margin:0 0 6px}
.title{font-size:18px;line-height:1.3;font-weight:700;margin:0 40px 6px 0;overflow-wrap:anywhere}
.offer img+.body .title{margin-right:0}
.text{margin:0 0 16px;color:var(--muted);overflow-wrap:anywhere;white-space:pre-line}
.dock{left:0;right:0;width:auto;max-width:none;border-radius:0;animation:none}
.dock img,.dock .eyebrow,.dock .text{display:none}
.dock .body{display:flex;align-items:center;gap:12px;padding:8px 56px 8px 16px}
.dock .title{flex:1;margin:0;font-size:15px}
.dock .btn{min-height:36px}
.dock .x{top:50%;margin-top:-17px}
.bk:has(>.fab:not([hidden]))>.card{bottom:94px}
.fab{position:fixed;right:24px;bottom:24px;display:flex;align-items:center;gap:10px;height:54px;padding:0 22px 0 18px;
border:0;border-radius:999px;background:var(--accent);color:#fff;font-family:inherit;font-size:15px;font-weight:600;line-height:1;cursor:pointer;
box-shadow:0 10px 28px rgba(67,56,202,.38),0 2px 6px rgba(17,24,39,.12);animation:bk-in .28s cubic-bezier(.2,.8,.2,1);
max-width:calc(100vw - 32px)}
.fab:hover{background:var(--accent-dark)}
.fab svg{flex:none;stroke:#fff;fill:none;stroke-width:2;stroke-linejoin:round}
.fab span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.dots{display:inline-flex;gap:3px}
.dots i{width:5px;height:5px;border-radius:50%;background:currentColor;opacity:.35;animation:bk-dot 1.2s infinite}
.dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@keyframes bk-in{from{opacity:0;transform:translateY(12px) scale(.98)}to{opacity:1;transform:none}}
@keyframes bk-fade{from{opacity:0}to{opacity:1}}
@keyframes bk-dot{0%,60%,100%{opacity:.35}30%{opacity:1}}
@media (max-width:480px){
.card{left:12px;right:12px;bottom:12px;width:auto;max-width:none;padding:18px}
.offer{padding:0}
.overlay .card{left:auto;right:auto;width:100%}
.actions .btn{flex:1 1 auto;padding:0 14px}
.fab{right:16px;bottom:16px}
.bk:has(>.fab:not([hidden]))>.card{bottom:80px}
}
@media (prefers-reduced-motion:reduce){.card,.fab,.overlay,.dots i{animation:none}}
`;

/** Applies `css` to a shadow root: a constructable stylesheet where supported (CSP-safe), a <style> otherwise. */
export function applyStyles(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    return;
  } catch {
    // Older engines without constructable stylesheets: this path needs style-src to allow inline styles.
  }
  const style = document.createElement('style');
  style.textContent = css;
  root.append(style);
}
