import type { WidgetLanguage } from '@beckon/protocol/widget-languages';

/**
 * The lines the server writes into a chat for the visitor to read, in each language the widget
 * speaks. A web chat keeps the widget's language (`conversations.language`); other channels and
 * older widgets get English.
 */
const EN = {
  joined: '{name} joined the chat.',
  left: '{name} left the chat.',
  transferring: 'Transferring you to another team. Please hold on.',
  ended: 'The chat has ended.',
  reopened: 'The conversation was reopened.',
  offline: 'No one is available to chat right now. Leave a message here and we will get back to you.',
  handoff: 'Connecting you with a person…',
  recording: 'Recording started.',
  recordingContinues: 'Recording continues with {name}.',
};

export type VisitorLine = keyof typeof EN;

/** Every other language, each with every line and the same `{name}` placeholders (test `visitor-lines.test.ts`). */
export const VISITOR_LINES: Record<Exclude<WidgetLanguage, 'en'>, Record<VisitorLine, string>> = {
  es: {
    joined: '{name} se unió al chat.',
    left: '{name} salió del chat.',
    transferring: 'Te estamos transfiriendo a otro equipo. Espera un momento, por favor.',
    ended: 'El chat ha terminado.',
    reopened: 'La conversación se ha reabierto.',
    offline: 'Ahora mismo no hay nadie disponible para chatear. Deja aquí tu mensaje y te responderemos.',
    handoff: 'Te estamos conectando con una persona…',
    recording: 'Ha comenzado la grabación.',
    recordingContinues: 'La grabación continúa con {name}.',
  },
  fr: {
    joined: '{name} a rejoint la conversation.',
    left: '{name} a quitté la conversation.',
    transferring: 'Nous vous transférons vers une autre équipe. Merci de patienter.',
    ended: 'La conversation est terminée.',
    reopened: 'La conversation a été rouverte.',
    offline:
      'Personne n’est disponible pour discuter pour le moment. Laissez un message ici et nous vous répondrons.',
    handoff: 'Nous vous mettons en relation avec une personne…',
    recording: 'L’enregistrement a commencé.',
    recordingContinues: 'L’enregistrement continue avec {name}.',
  },
  de: {
    joined: '{name} ist dem Chat beigetreten.',
    left: '{name} hat den Chat verlassen.',
    transferring: 'Wir verbinden Sie mit einem anderen Team. Bitte haben Sie einen Moment Geduld.',
    ended: 'Der Chat wurde beendet.',
    reopened: 'Die Unterhaltung wurde wieder geöffnet.',
    offline:
      'Im Moment ist niemand für einen Chat erreichbar. Hinterlassen Sie hier eine Nachricht, wir melden uns bei Ihnen.',
    handoff: 'Wir verbinden Sie mit einem Menschen…',
    recording: 'Die Aufzeichnung hat begonnen.',
    recordingContinues: 'Die Aufzeichnung wird mit {name} fortgesetzt.',
  },
  it: {
    joined: '{name} si è unito alla chat.',
    left: '{name} ha lasciato la chat.',
    transferring: 'Ti stiamo trasferendo a un altro team. Attendi un momento.',
    ended: 'La chat è terminata.',
    reopened: 'La conversazione è stata riaperta.',
    offline: 'Al momento nessuno è disponibile per la chat. Lascia qui un messaggio e ti risponderemo.',
    handoff: 'Ti stiamo mettendo in contatto con una persona…',
    recording: 'La registrazione è iniziata.',
    recordingContinues: 'La registrazione continua con {name}.',
  },
  pt: {
    joined: '{name} entrou no chat.',
    left: '{name} saiu do chat.',
    transferring: 'Estamos transferindo você para outra equipe. Aguarde um momento.',
    ended: 'O chat foi encerrado.',
    reopened: 'A conversa foi reaberta.',
    offline:
      'Ninguém está disponível para conversar agora. Deixe uma mensagem aqui e retornaremos o contato.',
    handoff: 'Conectando você com uma pessoa…',
    recording: 'A gravação começou.',
    recordingContinues: 'A gravação continua com {name}.',
  },
  nl: {
    joined: '{name} neemt deel aan de chat.',
    left: '{name} heeft de chat verlaten.',
    transferring: 'We verbinden je door met een ander team. Een moment geduld.',
    ended: 'De chat is beëindigd.',
    reopened: 'Het gesprek is heropend.',
    offline:
      'Er is nu niemand beschikbaar om te chatten. Laat hier een bericht achter, dan nemen we contact op.',
    handoff: 'We verbinden je met een medewerker…',
    recording: 'De opname is gestart.',
    recordingContinues: 'De opname gaat verder met {name}.',
  },
  pl: {
    joined: '{name} dołącza do czatu.',
    left: '{name} opuszcza czat.',
    transferring: 'Przekazujemy Cię do innego zespołu. Prosimy o chwilę cierpliwości.',
    ended: 'Czat został zakończony.',
    reopened: 'Rozmowa została wznowiona.',
    offline: 'Nikt nie jest teraz dostępny na czacie. Zostaw tu wiadomość, a odpowiemy.',
    handoff: 'Łączymy Cię z konsultantem…',
    recording: 'Nagrywanie się rozpoczęło.',
    recordingContinues: 'Nagrywanie trwa dalej z udziałem: {name}.',
  },
  tr: {
    joined: '{name} sohbete katıldı.',
    left: '{name} sohbetten ayrıldı.',
    transferring: 'Sizi başka bir ekibe aktarıyoruz. Lütfen bekleyin.',
    ended: 'Sohbet sona erdi.',
    reopened: 'Görüşme yeniden açıldı.',
    offline: 'Şu anda sohbet için uygun kimse yok. Buraya bir mesaj bırakın, size geri döneceğiz.',
    handoff: 'Sizi bir temsilciye bağlıyoruz…',
    recording: 'Kayıt başladı.',
    recordingContinues: 'Kayıt {name} ile devam ediyor.',
  },
  ja: {
    joined: '{name}がチャットに参加しました。',
    left: '{name}がチャットから退出しました。',
    transferring: '別のチームにおつなぎします。少々お待ちください。',
    ended: 'チャットは終了しました。',
    reopened: '会話が再開されました。',
    offline:
      '現在チャットに対応できる担当者がいません。こちらにメッセージを残していただければ、折り返しご連絡します。',
    handoff: '担当者におつなぎしています…',
    recording: '録音を開始しました。',
    recordingContinues: '{name}との通話で録音を続けています。',
  },
  ar: {
    joined: 'انضم {name} إلى المحادثة.',
    left: 'غادر {name} المحادثة.',
    transferring: 'نحوّلك إلى فريق آخر. يرجى الانتظار قليلًا.',
    ended: 'انتهت المحادثة.',
    reopened: 'أُعيد فتح المحادثة.',
    offline: 'لا يوجد أحد متاح للمحادثة الآن. اترك رسالة هنا وسنعود إليك.',
    handoff: 'نوصلك بأحد موظفينا…',
    recording: 'بدأ التسجيل.',
    recordingContinues: 'يستمر التسجيل مع {name}.',
  },
  he: {
    joined: '{name} הצטרף/ה לצ׳אט.',
    left: '{name} יצא/ה מהצ׳אט.',
    transferring: 'מעבירים אותך לצוות אחר. נא להמתין.',
    ended: 'הצ׳אט הסתיים.',
    reopened: 'השיחה נפתחה מחדש.',
    offline: 'אין כרגע מי שיכול לענות בצ׳אט. השאירו כאן הודעה ונחזור אליכם.',
    handoff: 'מחברים אותך לנציג…',
    recording: 'ההקלטה התחילה.',
    recordingContinues: 'ההקלטה ממשיכה עם {name}.',
  },
  zh: {
    joined: '{name} 已加入聊天。',
    left: '{name} 已离开聊天。',
    transferring: '正在为您转接到其他团队，请稍候。',
    ended: '聊天已结束。',
    reopened: '对话已重新打开。',
    offline: '目前没有客服可以聊天。请在此留言，我们会尽快回复您。',
    handoff: '正在为您转接人工客服…',
    recording: '录音已开始。',
    recordingContinues: '录音将与 {name} 继续。',
  },
};

/** A line in `language` (a widget language code, or null for English), with `{name}` filled in. */
export function visitorLine(
  language: string | null,
  line: VisitorLine,
  vars: Record<string, string> = {},
): string {
  const text =
    (language && language !== 'en' && VISITOR_LINES[language as keyof typeof VISITOR_LINES]?.[line]) ||
    EN[line];
  return text.replace(/\{(\w+)\}/g, (all, key: string) => vars[key] ?? all);
}

/** The English lines (tests and the completeness check). */
export const ENGLISH_LINES: Readonly<Record<VisitorLine, string>> = EN;
