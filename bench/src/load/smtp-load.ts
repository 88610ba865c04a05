import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { procCpuSeconds } from '../child-server.ts';
import { percentile } from '../stats.ts';

/**
 * W8's SMTP load, the same for every server compared: K pooled SMTP connections (nodemailer)
 * send mails of about 20 KB in a closed loop — each connection sends its next mail when the last
 * one's 250 came. Every mail has its own sender address and Message-ID, so on Beckon each one
 * makes its own contact and conversation.
 */

export interface SmtpRunOptions {
  port: number;
  /** The recipient (the site's inbound address). */
  to: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Makes this window's senders and Message-IDs unique among the run's windows. */
  tag: string;
  /** The server's process, sampled for CPU over the window. */
  serverPid: number;
}

export interface SmtpRun {
  /** Mails answered 250 within the window, per second. */
  mailsPerSecond: number;
  /** Every mail answered 250, warm-up and drain included: what the server must have stored. */
  accepted: number;
  /** Mails answered with anything else, or lost with their connection. */
  failed: number;
  /** MAIL FROM → 250 after the data, per mail in the window. */
  p50Ms: number;
  p99Ms: number;
  clientCpuPercent: number;
  serverCpuPercent: number;
  serverMainThreadCpuPercent: number;
  /** The first few failures' reasons, for the log. */
  reasons: string[];
}

/** A customer's mail body of about `bytes` bytes: plain text and HTML, with the quoted thread below. */
function bodyOf(bytes: number): { boundary: string; body: Buffer } {
  const boundary = '----=_Part_4711_2093021577.1764142000000';
  const reply = [
    'Hello,',
    '',
    'I ordered the blue merino jacket (order 100-4471-2209) last Tuesday and the tracking',
    'page has said "label created" since Thursday. Could you check whether it has left the',
    'warehouse? I need it for a trip on the 14th. If it cannot arrive by then, I would rather',
    'switch to store pickup in Lyon, or cancel and order the grey one in size M instead.',
    '',
    'Thanks a lot,',
    'Camille',
  ];
  const quotedTurn = [
    'On Mon, 24 Nov 2026 at 09:12, Support <support@shop.example> wrote:',
    'Thank you for your order! Your parcel is being prepared and will ship within two',
    'working days. You will receive an e-mail with the tracking link as soon as the carrier',
    'picks it up. Orders placed before 2 pm ship the same day from our warehouse in Lille.',
    'Returns are free within 30 days; keep the labels on and use the prepaid slip enclosed.',
    '',
  ];
  const header = (type: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`;
  const build = (turns: number) => {
    const quoted: string[] = [];
    for (let t = 0; t < turns; t++) quoted.push(...quotedTurn.map((l) => `${'>'.repeat(1 + (t % 3))} ${l}`));
    const text = [...reply, '', ...quoted].join('\r\n');
    const html = `<html><body><div dir="ltr">${reply.map((l) => `<p>${l}</p>`).join('')}</div><blockquote>${quoted
      .map((l) => `<div>${l.replace(/^>+ /, '')}</div>`)
      .join('\r\n')}</blockquote></body></html>`;
    return `${header('text/plain')}${text}\r\n${header('text/html')}${html}\r\n--${boundary}--\r\n`;
  };
  let turns = 1;
  while (Buffer.byteLength(build(turns + 1)) <= bytes) turns++;
  return { boundary, body: Buffer.from(build(turns)) };
}

/** The mail factory: headers vary per mail, the body is shared. */
export function mailMaker(to: string, bytes = 20 * 1024) {
  const { boundary, body } = bodyOf(bytes - 600);
  return (tag: string, n: number) => {
    const from = `customer-${tag}-${n}@mail.example`;
    const head =
      `From: Camille Martin <${from}>\r\nTo: Shop support <${to}>\r\n` +
      `Subject: Where is my order 100-4471-2209?\r\nDate: ${new Date().toUTCString()}\r\n` +
      `Message-ID: <${tag}.${n}.bench@mail.example>\r\nMIME-Version: 1.0\r\n` +
      `User-Agent: Mozilla/5.0 Thunderbird/128.5.0\r\n` +
      `Content-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n`;
    return { from, raw: Buffer.concat([Buffer.from(head), body]) };
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One closed-loop window of K connections against an SMTP server on 127.0.0.1. */
export async function runSmtpLoad(o: SmtpRunOptions): Promise<SmtpRun> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: o.port,
    secure: false,
    // Both servers offer STARTTLS; the figure is the ingest, not TLS.
    ignoreTLS: true,
    pool: true,
    maxConnections: o.connections,
    maxMessages: Number.POSITIVE_INFINITY,
    name: 'mta.bench.local',
  });
  const make = mailMaker(o.to);
  let n = 0;
  let sending = true;
  let measuring = false;
  let inWindow = 0;
  let accepted = 0;
  let failed = 0;
  const latencies: number[] = [];
  const reasons: string[] = [];
  const worker = async () => {
    while (sending) {
      const mail = make(o.tag, ++n);
      const t = performance.now();
      try {
        const info = await transport.sendMail({ envelope: { from: mail.from, to: [o.to] }, raw: mail.raw });
        if (!/^250/.test(info.response)) throw new Error(info.response);
        accepted++;
        // Throughput counts the 250s that came within the window.
        if (measuring) {
          inWindow++;
          latencies.push(performance.now() - t);
        }
      } catch (err) {
        failed++;
        if (reasons.length < 5) reasons.push((err as Error).message);
        // A refused mail does not mean the next is: carry on, after a breath.
        await sleep(50);
      }
    }
  };
  const workers = Array.from({ length: o.connections }, worker);
  await sleep(o.warmupSeconds * 1000);
  // Warm means every connection has had a mail answered: the node loads its mail parser with the
  // first mail, and on a loaded machine that outlasted a short warm-up, so a one-second window
  // once saw no 250 at all (no latency to report). Wait for them, up to 30 s.
  for (let waited = 0; accepted + failed < o.connections && waited < 30_000; waited += 20) await sleep(20);
  const cpu0 = process.cpuUsage();
  const server0 = await procCpuSeconds(o.serverPid);
  const main0 = await procCpuSeconds(o.serverPid, o.serverPid);
  const t0 = performance.now();
  measuring = true;
  await sleep(o.seconds * 1000);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const server1 = await procCpuSeconds(o.serverPid);
  const main1 = await procCpuSeconds(o.serverPid, o.serverPid);
  const cpu = process.cpuUsage(cpu0);
  sending = false;
  await Promise.all(workers);
  transport.close();
  return {
    mailsPerSecond: inWindow / elapsed,
    accepted,
    failed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    clientCpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100,
    serverCpuPercent: ((server1 - server0) / elapsed) * 100,
    serverMainThreadCpuPercent: ((main1 - main0) / elapsed) * 100,
    reasons,
  };
}
