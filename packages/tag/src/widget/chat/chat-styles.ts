/**
 * The chat's part of the widget stylesheet (panel, messages, composer, forms, survey, launcher),
 * appended to `CSS` from ../styles.ts and applied the same way (a constructable stylesheet).
 * The pre-chat topic list is drawn like the other fields (`appearance:none`: the browser's own menu
 * button has its own font and padding); its chevron is two gradients, so no image needs a CSP exception.
 * A form's submit button sticks to the bottom of a panel too short for the whole form (a greeting above
 * it, a short window), so it is always in sight; fields reached with Tab scroll clear of it.
 */
/** Where the open panel covers the whole viewport (and so keeps focus inside, like a modal). */
export const FULL_SCREEN = '(max-width:480px)';

export const CHAT_CSS = `
[hidden]{display:none!important}
.fab{position:fixed}
.fab.round{width:60px;height:60px;padding:0;justify-content:center}
.fab.round svg{width:26px;height:26px}
.unread{position:absolute;top:-3px;right:-3px;min-width:22px;height:22px;padding:0 6px;border-radius:999px;background:#dc2626;
color:#fff;font-size:12px;font-weight:700;display:flex;align-items:center;justify-content:center;border:2px solid #fff}
.panel{position:fixed;right:24px;bottom:24px;width:384px;height:min(640px,calc(100vh - 48px));display:flex;flex-direction:column;
background:#fff;border-radius:18px;overflow:hidden;border:1px solid rgba(17,24,39,.06);
box-shadow:0 24px 64px rgba(17,24,39,.24),0 2px 8px rgba(17,24,39,.08);animation:bk-in .28s cubic-bezier(.2,.8,.2,1)}
.panel:focus{outline:none}
.bar{flex:none;display:flex;align-items:center;gap:12px;padding:14px 10px 14px 16px;background:linear-gradient(135deg,#4f46e5,#3730a3);color:#fff}
.bar .avatar{width:40px;height:40px;font-size:15px;background:rgba(255,255,255,.18)}
.bar .avatar::after{border-color:#4338ca}
.bar .avatar.away::after{background:#fbbf24}
.bar .who{flex:1}
.bar .status{color:rgba(255,255,255,.85);font-size:12.5px;line-height:1.35}
.bar .x,.upload .x,.lb-bar .x{position:static;flex:none}
.bar .x{color:#fff}
.bar .x:hover{background:rgba(255,255,255,.16);color:#fff}
.end{appearance:none;flex:none;border:0;margin:0;height:32px;padding:0 12px;border-radius:999px;background:rgba(255,255,255,.16);color:#fff;
font:600 13px/1 inherit;font-family:inherit;cursor:pointer;white-space:nowrap}
.end:hover{background:rgba(255,255,255,.26)}
.end:focus-visible{outline:3px solid #c7d2fe;outline-offset:1px}
.notice{flex:none;display:flex;align-items:center;gap:8px;padding:8px 16px;background:#fffbeb;color:#92400e;font-size:13px;border-bottom:1px solid #fde68a}
.notice .link{margin-left:auto;color:#92400e}
.callslot:empty{display:none}
.call{flex:none;display:flex;flex-wrap:wrap;align-items:center;gap:8px 10px;padding:10px 16px;background:#eef2ff;color:#1e1b4b;font-size:13px;border-bottom:1px solid #c7d2fe}
.call>svg{stroke:#4338ca;fill:none;stroke-width:2;flex:none}
.call .text{flex:1 1 120px;min-width:0;margin:0;line-height:1.4}
.call .text p{margin:2px 0 0;color:#475569}
.call .text p.recorded{color:#b42318;font-weight:600}
.call .timer{display:block;font-variant-numeric:tabular-nums;color:#4338ca;font-weight:600}
.call .btn{flex:none;height:32px;padding:0 12px;font-size:13px}
.call .form{flex:1;display:grid;grid-template-columns:1fr 1fr;gap:8px}
.call .form>:nth-child(-n+2),.call .form>:nth-last-child(-n+3){grid-column:1/-1}
.call .field input{height:36px;min-height:36px}
.call .secondary{background:#fff;border:1px solid #c7d2fe;color:#3730a3}
.bar .callbtn svg{stroke:#fff;fill:none;stroke-width:2}
.body{position:relative;flex:1;min-height:0;display:flex;flex-direction:column;background:#f8fafc}
.scroll{flex:1;overflow-y:auto;padding:18px 18px 20px;scroll-padding-bottom:76px}
.scroll .form>.wide:last-child{position:sticky;bottom:0;box-shadow:0 0 0 14px #f8fafc,0 14px 0 14px #f8fafc}
.loading{margin:auto;display:flex;align-items:center;gap:10px;color:var(--muted);font-size:14px}
.spin{width:18px;height:18px;border:2px solid #c7d2fe;border-top-color:var(--accent);border-radius:50%;animation:bk-spin .8s linear infinite}
.log{flex:1;min-height:0;overflow-y:auto;padding:16px 14px 10px;display:flex;flex-direction:column;gap:4px}
.log:focus-visible{outline:2px solid var(--ring);outline-offset:-2px}
.entry{display:flex;flex-direction:column;align-items:flex-start;max-width:82%;margin-top:4px}
.entry.in{align-self:flex-start}
.entry.out{align-self:flex-end;align-items:flex-end}
.from{margin:8px 0 3px 4px;font-size:12px;font-weight:600;color:var(--muted)}
.bubble{padding:9px 13px;border-radius:16px 16px 16px 5px;background:#fff;border:1px solid var(--line);
white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;font-size:14.5px;line-height:1.45}
.out .bubble{background:var(--accent);border-color:var(--accent);color:#fff;border-radius:16px 16px 5px 16px}
.bubble a{color:var(--accent);text-decoration:underline;text-underline-offset:2px}
.out .bubble a{color:#fff}
.bubble a:focus-visible{outline:2px solid var(--ring);outline-offset:1px;border-radius:3px}
.scroll .entry{margin:0 0 16px}
.sending .bubble{opacity:.72}
.failed .bubble{background:#fef2f2;border-color:#fca5a5;color:#7f1d1d}
.meta{margin:3px 4px 0;font-size:11.5px;color:var(--muted)}
.meta.err{color:#b91c1c}
.link{appearance:none;border:0;background:none;padding:0;margin:0;font:inherit;font-weight:600;color:var(--accent);text-decoration:underline;cursor:pointer}
.link:focus-visible{outline:2px solid var(--ring);outline-offset:2px;border-radius:3px}
.sys{align-self:center;text-align:center;max-width:88%;margin:8px 0;padding:4px 12px;font-size:12.5px;color:var(--muted);
background:#eef2f7;border-radius:999px;overflow-wrap:anywhere}
.sys a{color:inherit}
.bcard{margin-top:6px;padding:10px 12px;border:1px solid var(--line);border-left:3px solid var(--accent);border-radius:10px;background:#fff;font-size:13.5px}
.bcard p{margin:4px 0 6px;color:#374151}.bcard a{color:var(--accent);font-weight:600}
.quick{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.quick button{font:inherit;font-size:13.5px;padding:6px 12px;border-radius:999px;border:1px solid var(--accent);background:#fff;color:var(--accent);cursor:pointer}
.quick button:hover{background:var(--accent);color:#fff}.quick button:focus-visible{outline:2px solid var(--ring);outline-offset:2px}
.typing{padding:13px 16px;background:#fff;border:1px solid var(--line);border-radius:16px 16px 16px 5px;color:#6b7280}
.typing .dots{gap:5px}.typing .dots i{width:7px;height:7px}
.files{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px}
.out .files{justify-content:flex-end}
.thumb{appearance:none;display:block;border:1px solid var(--line);padding:0;margin:0;border-radius:12px;overflow:hidden;cursor:zoom-in;background:var(--soft)}
.thumb img{display:block;max-width:220px;max-height:180px;min-width:60px;min-height:40px;object-fit:cover}
.thumb:focus-visible{outline:3px solid var(--ring);outline-offset:2px}
.chip{display:inline-flex;align-items:center;gap:8px;max-width:250px;padding:9px 12px;background:#fff;border:1px solid var(--line);
border-radius:12px;color:var(--ink);text-decoration:none;font-size:13.5px}
a.chip:hover{border-color:#c7d2fe;background:#f5f7ff}
.chip svg,.upload svg{flex:none;stroke:var(--accent);fill:none;stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}
.fname{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600}
.fsize{flex:none;color:var(--muted);font-size:12px}
.lightbox{position:fixed;inset:0;z-index:3;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:12px;
padding:24px;background:rgba(17,24,39,.9);animation:bk-fade .15s ease-out}
.lightbox img{max-width:100%;max-height:calc(100% - 64px);object-fit:contain;border-radius:8px;background:#fff}
.lb-bar{display:flex;align-items:center;gap:14px;max-width:100%;color:#fff;font-size:14px}
.lb-bar a{color:#fff;font-weight:600}
.lb-bar .x{color:#fff;background:rgba(255,255,255,.14)}
.compose{flex:none;padding:10px 12px 12px;border-top:1px solid var(--line);background:#fff}
.tray{display:flex;flex-direction:column;gap:6px;margin-bottom:8px}
.tray:empty{display:none}
.upload{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;padding:6px 6px 6px 10px;border-radius:10px;background:var(--soft);font-size:13px}
.uname{flex:1;min-width:0;display:flex;align-items:baseline;gap:8px}
.upload .x{width:28px;height:28px}
.progress{flex-basis:100%;height:4px;border-radius:2px;background:#e0e7ff;overflow:hidden}
.bar-fill{display:block;height:100%;width:0;background:var(--accent);transition:width .2s}
.upload.failed{background:#fef2f2;color:#991b1b}
.upload.failed svg{stroke:#dc2626}
.uerr{flex-basis:100%;margin:0;font-size:12.5px}
.row{display:flex;align-items:flex-end;gap:6px}
.row textarea{flex:1;min-width:0;resize:none;min-height:42px;max-height:132px;padding:10px 12px;border:1px solid #d1d5db;border-radius:12px;
font:inherit;font-size:14.5px;line-height:1.4;color:var(--ink);background:#fff}
.tool,.send{appearance:none;flex:none;width:42px;height:42px;margin:0;padding:0;border:0;border-radius:12px;display:flex;align-items:center;
justify-content:center;cursor:pointer}
.tool{background:transparent;color:var(--muted)}
.tool:hover{background:var(--soft);color:var(--ink)}
.send{background:var(--accent);color:#fff}
.send:hover{background:var(--accent-dark)}
.send:disabled{opacity:.4;cursor:default;background:var(--accent)}
.tool svg,.send svg{stroke:currentColor;fill:none;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.tool:focus-visible,.send:focus-visible{outline:3px solid var(--ring);outline-offset:2px}
.row textarea:focus-visible,.field input:focus-visible,.field select:focus-visible,.field textarea:focus-visible,.survey textarea:focus-visible{
outline:2px solid var(--ring);outline-offset:0;border-color:var(--accent)}
.form{display:flex;flex-direction:column;gap:14px}
.lead{margin:0;color:var(--muted);font-size:14px}
.field label{display:block;margin:0 0 5px;font-size:13px;font-weight:600;color:var(--ink)}
.opt{font-weight:400;color:var(--muted)}
.field input,.field select,.field textarea,.survey textarea{display:block;width:100%;min-height:42px;margin:0;padding:9px 12px;
border:1px solid #d1d5db;border-radius:10px;font:inherit;font-size:14.5px;color:var(--ink);background:#fff}
.field input,.field select{height:42px;line-height:1.25}
.field select{appearance:none;-webkit-appearance:none;padding-right:34px;background-repeat:no-repeat;background-size:5px 5px;
background-image:linear-gradient(45deg,transparent 50%,#6b7280 50%),linear-gradient(135deg,#6b7280 50%,transparent 50%);
background-position:calc(100% - 19px) 52%,calc(100% - 14px) 52%}
.field textarea,.survey textarea{resize:vertical;line-height:1.4}
[aria-invalid=true]{border-color:#dc2626!important}
.ferr{margin:5px 0 0;font-size:12.5px;color:#b91c1c}
.ferr:empty,.form-err:empty{display:none}
.form-err{margin:0;padding:9px 12px;border-radius:10px;background:#fef2f2;border:1px solid #fecaca;color:#991b1b;font-size:13.5px}
.wide{width:100%;flex:none}
.btn:disabled{opacity:.6;cursor:default}
.danger{background:#dc2626;color:#fff}
.danger:hover{background:#b91c1c}
.survey{flex:none;display:flex;flex-direction:column;align-items:stretch;gap:10px;padding:16px 16px 18px;background:#fff;
border-top:1px solid var(--line);text-align:center}
.survey .title,.done-state .title,.sheet .title{margin:0;font-size:16px;font-weight:700;line-height:1.3}
.stars{display:flex;justify-content:center;gap:2px}
.star{position:relative;display:block;padding:3px;border-radius:8px;cursor:pointer}
.star input{position:absolute;inset:0;width:100%;height:100%;margin:0;opacity:0;cursor:pointer}
.star svg{display:block;stroke:#9ca3af;fill:none;stroke-width:1.6;stroke-linejoin:round;transition:fill .1s,stroke .1s}
.star.on svg{fill:#f59e0b;stroke:#d97706}
.star input:focus-visible+svg{outline:3px solid var(--ring);outline-offset:2px;border-radius:6px}
.caption{margin:-4px 0 0;font-size:13px;color:var(--muted);min-height:18px}
.survey .actions,.done-state .actions{justify-content:center}
.survey .wide{width:auto;flex:1 1 auto}
.done-state{flex:none;display:flex;flex-direction:column;align-items:center;gap:8px;padding:20px 18px;text-align:center;background:#fff;
border-top:1px solid var(--line)}
.scroll .done-state{border:0;background:transparent;padding-top:32px}
.done-state .text{margin:0 0 8px;font-size:14px}
.transcript{display:flex;flex-direction:column;align-items:center;gap:6px;margin-top:6px;width:100%}
.linkish{border:0;background:none;padding:4px;font:inherit;font-size:13px;color:var(--accent);text-decoration:underline;cursor:pointer}
.transcript-form{display:flex;gap:6px;width:100%}
.transcript-form input{flex:1 1 auto;min-width:0;padding:8px 10px;border:1px solid var(--line);border-radius:10px;font:inherit;font-size:14px}
.badge-ok{width:52px;height:52px;border-radius:50%;background:#e0e7ff;color:var(--accent);display:flex;align-items:center;justify-content:center}
.badge-ok svg{stroke:currentColor;fill:none;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.confirm{position:absolute;inset:0;z-index:2;display:flex;align-items:flex-end;background:rgba(17,24,39,.45);animation:bk-fade .15s ease-out}
.sheet{width:100%;padding:20px 18px 18px;background:#fff;border-radius:18px 18px 0 0;box-shadow:0 -8px 24px rgba(17,24,39,.12)}
.sheet .text{margin:6px 0 16px;font-size:14px}
.sheet .btn{flex:1 1 0}
.drop{display:none;position:absolute;inset:8px;z-index:2;flex-direction:column;align-items:center;justify-content:center;gap:8px;
border:2px dashed var(--accent);border-radius:14px;background:rgba(238,242,255,.95);color:var(--accent);font-weight:650;pointer-events:none}
.drop svg{stroke:currentColor;fill:none;stroke-width:2;stroke-linecap:round}
.dragging .drop{display:flex}
@keyframes bk-spin{to{transform:rotate(360deg)}}
@media ${FULL_SCREEN}{
.panel{inset:0;width:auto;height:auto;border-radius:0;border:0}
.bar{gap:8px;padding:12px 6px 12px 12px}
.bar .avatar{width:36px;height:36px}
.bar .name{white-space:normal;overflow-wrap:anywhere}
.end{padding:0 10px}
.entry{max-width:88%}
.fab.round{right:16px;bottom:16px}
.row textarea,.field input,.field select,.field textarea,.survey textarea{font-size:16px}
}
@media (prefers-reduced-motion:reduce){.panel,.lightbox,.confirm,.spin{animation:none}.bar-fill,.star svg{transition:none}}
`;
