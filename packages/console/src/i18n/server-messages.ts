/**
 * The server's error messages in the console's language.
 * - The API speaks English to every client: its messages are lower-case fragments ("the file is empty").
 * - The console looks a message up here by its text, and shows the user's language.
 * - A message with values in it (`a skill named "{}" already exists`) is looked up by its shape.
 * - A message not listed here is shown as it came, put as a sentence.
 * - `test/server-messages.test.ts` reads the server's source: it fails when one of its messages is missing here.
 */
import { t } from './i18n.ts';

/** The values a shaped message carries, in order. */
type Say = (values: readonly string[]) => string;

/** Messages without values, by their exact text. */
export const EXACT: Readonly<Record<string, Say>> = {
  'contactId: this contact has no phone number': () => t('ContactId: this contact has no phone number.'),
  'phone number not found': () => t('Phone number not found.'),
  'set up a phone number first': () => t('Set up a phone number first.'),
  'the trunk is not registered, or all its lines are busy': () =>
    t('The trunk is not registered, or all its lines are busy.'),
  'give either skillId or menu': () => t('Give either skillId or menu.'),
  'menu.choices: a digit is used twice': () => t('Menu.choices: a digit is used twice.'),
  'a call is dialled by a signed-in agent': () => t('A call is dialled by a signed-in agent.'),
  'give one of contactId, number or callbackId': () => t('Give one of contactId, number or callbackId.'),
  'this callback is not assigned to you': () => t('This callback is not assigned to you.'),
  'this node has no phone gateway (BECKON_JANUS_URL)': () =>
    t('This node has no phone gateway (BECKON_JANUS_URL).'),
  'trunk not found': () => t('Trunk not found.'),
  'live translation is off': () => t('Live translation is off.'),
  'the translation service is down': () => t('The translation service is down.'),
  'the translation service did not answer in time': () =>
    t('The translation service did not answer in time.'),
  'the translation service gave no usable translation': () =>
    t('The translation service gave no usable translation.'),
  'the translation is longer than a message may be': () =>
    t('The translation is longer than a message may be.'),
  'enter the base URL of a LibreTranslate-compatible server (/body/translation/baseUrl)': () =>
    t('Enter the base URL of a LibreTranslate-compatible server (/body/translation/baseUrl).'),
  'no summary was written for this conversation yet': () =>
    t('No summary was written for this conversation yet.'),
  'this conversation was not classified yet': () => t('This conversation was not classified yet.'),
  'write the summary (/body/text)': () => t('Write the summary (/body/text).'),
  'sendAt is not a date and time': () => t('SendAt is not a date and time.'),
  'sendAt is more than a year away': () => t('SendAt is more than a year away.'),
  'only its author or a supervisor may change a scheduled message': () =>
    t('Only its author or a supervisor may change a scheduled message.'),
  'the conversation is closed; reopen it first': () => t('The conversation is closed; reopen it first.'),
  'the text is empty': () => t('The text is empty.'),
  'a conversation cannot be merged into itself': () => t('A conversation cannot be merged into itself.'),
  'scheduled message not found': () => t('Scheduled message not found.'),
  'mentions belong to a signed-in user, not to an API key': () =>
    t('Mentions belong to a signed-in user, not to an API key.'),
  '/: give exactly one of visitorId, contactId, email or phone': () =>
    t('/: give exactly one of visitorId, contactId, email or phone.'),
  '/phone: not a phone number (6 to 15 digits)': () => t('/phone: not a phone number (6 to 15 digits).'),
  '/: must be an object': () => t('/: must be an object.'),
  '/address: not an e-mail address this server can receive at': () =>
    t('/address: not an e-mail address this server can receive at.'),
  '/body: a note needs some text': () => t('/body: a note needs some text.'),
  '/cursor: not a cursor of this list': () => t('/cursor: not a cursor of this list.'),
  '/defaultSkillId: no such skill in this account': () =>
    t('/defaultSkillId: no such skill in this account.'),
  '/email: not an e-mail address': () => t('/email: not an e-mail address.'),
  '/events: subscribe to at least one event': () => t('/events: subscribe to at least one event.'),
  '/headerLocation: this template starts with a location: give its latitude and longitude': () =>
    t('/headerLocation: this template starts with a location: give its latitude and longitude.'),
  '/headerMedia: a video header takes a link (videos are not uploaded here)': () =>
    t('/headerMedia: a video header takes a link (videos are not uploaded here).'),
  '/headerMedia: give either link or attachmentId': () =>
    t('/headerMedia: give either link or attachmentId.'),
  '/headerMedia: give the media or the location, not both': () =>
    t('/headerMedia: give the media or the location, not both.'),
  '/headerMedia/attachmentId: upload the file to this conversation first (each file goes once)': () =>
    t('/headerMedia/attachmentId: upload the file to this conversation first (each file goes once).'),
  '/id: campaign ids are chosen by the server': () => t('/id: campaign ids are chosen by the server.'),
  '/id: cannot be changed': () => t('/id: cannot be changed.'),
  '/phone: not a phone number': () => t('/phone: not a phone number.'),
  '/quietHours: from and to are the same time; leave quiet hours out instead': () =>
    t('/quietHours: from and to are the same time; leave quiet hours out instead.'),
  '/sessionId: invalid id': () => t('/sessionId: invalid id.'),
  '/since: not a time': () => t('/since: not a time.'),
  '/timeZone: not an IANA time zone': () => t('/timeZone: not an IANA time zone.'),
  '/url: a Slack incoming webhook is https': () => t('/url: a Slack incoming webhook is https.'),
  '/url: must be http or https': () => t('/url: must be http or https.'),
  '/url: must not hold a user or password': () => t('/url: must not hold a user or password.'),
  '/url: not a URL': () => t('/url: not a URL.'),
  '/visitorId: invalid id': () => t('/visitorId: invalid id.'),
  'a call is already running in this conversation': () =>
    t('A call is already running in this conversation.'),
  'a callback can be asked for up to 14 days ahead': () =>
    t('A callback can be asked for up to 14 days ahead.'),
  'a contact cannot be merged into itself': () => t('A contact cannot be merged into itself.'),
  'a recording starts during the call': () => t('A recording starts during the call.'),
  'a recording starts with a WebM header': () => t('A recording starts with a WebM header.'),
  'a recording starts with chunk 0': () => t('A recording starts with chunk 0.'),
  'a rescheduled callback needs a time in the next 14 days': () =>
    t('A rescheduled callback needs a time in the next 14 days.'),
  'a skill cannot transfer to itself': () => t('A skill cannot transfer to itself.'),
  'a transcript went to this address recently; try again later': () =>
    t('A transcript went to this address recently; try again later.'),
  'a verified identity needs a user id': () => t('A verified identity needs a user id.'),
  'a webhook bot needs a url': () => t('A webhook bot needs a url.'),
  'address not found': () => t('Address not found.'),
  'an attachment is named twice': () => t('An attachment is named twice.'),
  'an e-mail or a phone number is needed to know a contact': () =>
    t('An e-mail or a phone number is needed to know a contact.'),
  'analysts do not take chats': () => t('Analysts do not take chats.'),
  'another agent has this conversation': () => t('Another agent has this conversation.'),
  'API key not found': () => t('API key not found.'),
  'API keys have no user; use the console session': () =>
    t('API keys have no user; use the console session.'),
  'article not found': () => t('Article not found.'),
  'attachment not found': () => t('Attachment not found.'),
  'automation rule not found': () => t('Automation rule not found.'),
  'body is not valid JSON': () => t('Body is not valid JSON.'),
  'body must be an object': () => t('Body must be an object.'),
  'bot not found': () => t('Bot not found.'),
  'broadcast not found': () => t('Broadcast not found.'),
  'call not found': () => t('Call not found.'),
  'callback not found': () => t('Callback not found.'),
  'campaign not found': () => t('Campaign not found.'),
  'canned response not found': () => t('Canned response not found.'),
  'channel not found': () => t('Channel not found.'),
  'contact not found': () => t('Contact not found.'),
  'conversation not found': () => t('Conversation not found.'),
  'conversationId is required': () => t('ConversationId is required.'),
  'cursor is not one this API gave': () => t('Cursor is not one this API gave.'),
  'delivery not found': () => t('Delivery not found.'),
  'each away reason must be different': () => t('Each away reason must be different.'),
  'echo ids starting "timeline:" are the server\'s': () =>
    t('Echo ids starting "timeline:" are the server\'s.'),
  'enter the base URL of an OpenAI-compatible API (/body/baseUrl)': () =>
    t('Enter the base URL of an OpenAI-compatible API (/body/baseUrl).'),
  'enter the code from your authenticator app': () => t('Enter the code from your authenticator app.'),
  'enter the model the server should use (/body/model)': () =>
    t('Enter the model the server should use (/body/model).'),
  'from must be before to': () => t('From must be before to.'),
  'give either agentId or skillId': () => t('Give either agentId or skillId.'),
  'invalid cursor': () => t('Invalid cursor.'),
  'keep at least one away reason': () => t('Keep at least one away reason.'),
  'live visitor not found': () => t('Live visitor not found.'),
  'merge not found': () => t('Merge not found.'),
  'missing or wrong x-csrf-token header': () => t('Missing or wrong x-csrf-token header.'),
  'nobody is chatting here yet': () => t('Nobody is chatting here yet.'),
  'none of the recipients is an inbound address of this account': () =>
    t('None of the recipients is an inbound address of this account.'),
  'occurredAt: an order cannot happen in the future': () =>
    t('OccurredAt: an order cannot happen in the future.'),
  'occurredAt: not a date-time': () => t('OccurredAt: not a date-time.'),
  'only an owner can create another owner': () => t('Only an owner can create another owner.'),
  'only an owner can grant or remove the owner role': () =>
    t('Only an owner can grant or remove the owner role.'),
  'only an owner can remove an owner': () => t('Only an owner can remove an owner.'),
  "only an owner can reset an owner's password": () => t("Only an owner can reset an owner's password."),
  'only owners and admins may join a chat': () => t('Only owners and admins may join a chat.'),
  'only the agent on this call records it': () => t('Only the agent on this call records it.'),
  'only the agent who holds the conversation reads for it': () =>
    t('Only the agent who holds the conversation reads for it.'),
  'only the agent who recorded this call finishes it': () =>
    t('Only the agent who recorded this call finishes it.'),
  'order receiver not found': () => t('Order receiver not found.'),
  'origin not allowed for this site': () => t('Origin not allowed for this site.'),
  'original mail not found': () => t('Original mail not found.'),
  'outbound message not found': () => t('Outbound message not found.'),
  'person not found': () => t('Person not found.'),
  'rate the conversation once it has ended': () => t('Rate the conversation once it has ended.'),
  'Request body is too large': () => t('Request body is too large.'),
  'resource not found': () => t('Resource not found.'),
  "secret: Shopify's webhooks are signed with your app's secret; enter it": () =>
    t("Secret: Shopify's webhooks are signed with your app's secret; enter it."),
  'send a bot token: Authorization: Bearer bkbot_…': () =>
    t('Send a bot token: Authorization: Bearer bkbot_…'),
  'send the mail as message/rfc822, or JSON { "raw": "…" }': () =>
    t('Send the mail as message/rfc822, or JSON \'{\' "raw": "…" \'}\'.'),
  'sending e-mail is not set up on this server': () => t('Sending e-mail is not set up on this server.'),
  'session not found': () => t('Session not found.'),
  'sign in first': () => t('Sign in first.'),
  'sign in to the console first': () => t('Sign in to the console first.'),
  'single sign-on is not set up for this e-mail': () => t('Single sign-on is not set up for this e-mail.'),
  'single sign-on set-up not found': () => t('Single sign-on set-up not found.'),
  'site not found': () => t('Site not found.'),
  'siteId: no site of this account has this id': () => t('SiteId: no site of this account has this id.'),
  'skill not found': () => t('Skill not found.'),
  'snooze until a time between a minute and a year from now': () =>
    t('Snooze until a time between a minute and a year from now.'),
  'something went wrong on our side': () => t('Something went wrong on our side.'),
  'start the set-up first': () => t('Start the set-up first.'),
  'templates are sent on WhatsApp conversations only': () =>
    t('Templates are sent on WhatsApp conversations only.'),
  'that agent has no free chat slot': () => t('That agent has no free chat slot.'),
  'that agent is not online': () => t('That agent is not online.'),
  'that code does not match; check the time on your phone and try again': () =>
    t('That code does not match; check the time on your phone and try again.'),
  'that code was used already; wait for the next one': () =>
    t('That code was used already; wait for the next one.'),
  'that is not an e-mail address': () => t('That is not an e-mail address.'),
  'that recovery code is wrong or was used already': () =>
    t('That recovery code is wrong or was used already.'),
  'the account has no site to record the order on': () =>
    t('The account has no site to record the order on.'),
  'the account has no skill to invite to': () => t('The account has no skill to invite to.'),
  'the account needs at least one owner': () => t('The account needs at least one owner.'),
  'the agent already holds it': () => t('The agent already holds it.'),
  'the API key is not valid': () => t('The API key is not valid.'),
  'the body is not JSON': () => t('The body is not JSON.'),
  'the call ended': () => t('The call ended.'),
  'the chunk is empty': () => t('The chunk is empty.'),
  'the client secret is required': () => t('The client secret is required.'),
  'the conversation changed meanwhile; try again': () => t('The conversation changed meanwhile; try again.'),
  'the conversation closed while the message arrived': () =>
    t('The conversation closed while the message arrived.'),
  'the conversation is closed': () => t('The conversation is closed.'),
  'the conversation is resolved; reopen it first': () => t('The conversation is resolved; reopen it first.'),
  'the conversation token belongs to another site': () =>
    t('The conversation token belongs to another site.'),
  'the current password is not right': () => t('The current password is not right.'),
  'the file is empty': () => t('The file is empty.'),
  'the frame could not be carried out': () => t('The frame could not be carried out.'),
  'the inbound e-mail credentials are wrong': () => t('The inbound e-mail credentials are wrong.'),
  'the message changed meanwhile; try again': () => t('The message changed meanwhile; try again.'),
  'the message could not be stored; retry': () => t('The message could not be stored; retry.'),
  'the provider sent this message before': () => t('The provider sent this message before.'),
  'the sign-in provider cannot be reached; try again or use your password': () =>
    t('The sign-in provider cannot be reached; try again or use your password.'),
  'the signature is missing or wrong': () => t('The signature is missing or wrong.'),
  'the store is unreachable right now; try again shortly': () =>
    t('The store is unreachable right now; try again shortly.'),
  'the verify token does not match': () => t('The verify token does not match.'),
  'the visitor has no open connection right now': () => t('The visitor has no open connection right now.'),
  'the WhatsApp number of this conversation is gone': () =>
    t('The WhatsApp number of this conversation is gone.'),
  'the window is over already': () => t('The window is over already.'),
  'the window must end after it starts': () => t('The window must end after it starts.'),
  'there is no pending offer of this conversation to you': () =>
    t('There is no pending offer of this conversation to you.'),
  'this account requires two-factor sign-in of every member': () =>
    t('This account requires two-factor sign-in of every member.'),
  'this account requires two-factor sign-in: set it up first': () =>
    t('This account requires two-factor sign-in: set it up first.'),
  'this bot does not hold the conversation': () => t('This bot does not hold the conversation.'),
  'this bot does not hold the conversation (handed over or closed)': () =>
    t('This bot does not hold the conversation (handed over or closed).'),
  'this call has no recording': () => t('This call has no recording.'),
  'this call is over or rings someone else now': () => t('This call is over or rings someone else now.'),
  'this callback has its outcome already': () => t('This callback has its outcome already.'),
  'this change needs your current password': () => t('This change needs your current password.'),
  'this connection has no WhatsApp Business Account id: add it to read its templates': () =>
    t('This connection has no WhatsApp Business Account id: add it to read its templates.'),
  'this conversation has no e-mail address to send to': () =>
    t('This conversation has no e-mail address to send to.'),
  'this conversation has no site': () => t('This conversation has no site.'),
  'this conversation has reached its attachment limit': () =>
    t('This conversation has reached its attachment limit.'),
  'this conversation is not assigned to you': () => t('This conversation is not assigned to you.'),
  'this conversation is not waiting for an offline message': () =>
    t('This conversation is not waiting for an offline message.'),
  'this conversation waits in a skill you do not have': () =>
    t('This conversation waits in a skill you do not have.'),
  'this e-mail belongs to another verified user': () => t('This e-mail belongs to another verified user.'),
  'this needs a signed-in agent, not an API key': () => t('This needs a signed-in agent, not an API key.'),
  'this origin may not open the agent socket': () => t('This origin may not open the agent socket.'),
  'this origin may not use this site key': () => t('This origin may not use this site key.'),
  'this recording is finished': () => t('This recording is finished.'),
  'this site does not record calls': () => t('This site does not record calls.'),
  'too many calls asked for; wait a minute': () => t('Too many calls asked for; wait a minute.'),
  'too many new conversations; wait a moment and try again': () =>
    t('Too many new conversations; wait a moment and try again.'),
  'too many requests': () => t('Too many requests.'),
  'too many sign-ins from this address; wait a moment and try again': () =>
    t('Too many sign-ins from this address; wait a moment and try again.'),
  'too many uploads; wait a moment': () => t('Too many uploads; wait a moment.'),
  'too many webhook calls from this address': () => t('Too many webhook calls from this address.'),
  'turn on two-factor sign-in for yourself first': () => t('Turn on two-factor sign-in for yourself first.'),
  'turn your own off in Settings › Security': () => t('Turn your own off in Settings › Security.'),
  'two-factor sign-in is off': () => t('Two-factor sign-in is off.'),
  'two-factor sign-in is on already': () => t('Two-factor sign-in is on already.'),
  'two-factor sign-in is on already; turn it off first to set up another app': () =>
    t('Two-factor sign-in is on already; turn it off first to set up another app.'),
  'unknown agent': () => t('Unknown agent.'),
  'unknown bot id': () => t('Unknown bot id.'),
  'unknown or expired app token': () => t('Unknown or expired app token.'),
  'unknown or expired conversation token': () => t('Unknown or expired conversation token.'),
  'unknown site key': () => t('Unknown site key.'),
  'unknown skill id': () => t('Unknown skill id.'),
  'only a phone call can be transferred warm': () => t('Only a phone call can be transferred warm.'),
  'user not found': () => t('User not found.'),
  'userHash does not match userId for this site': () => t('UserHash does not match userId for this site.'),
  'userHash does not match userId; nothing was linked': () =>
    t('UserHash does not match userId; nothing was linked.'),
  'value: must be a number of at least 0': () => t('Value: must be a number of at least 0.'),
  'visitor not found': () => t('Visitor not found.'),
  'voice settings belong to a signed-in user': () => t('Voice settings belong to a signed-in user.'),
  'webhook endpoint not found': () => t('Webhook endpoint not found.'),
  'write something or attach a file': () => t('Write something or attach a file.'),
  'wrong code; check the time on your phone and try again': () =>
    t('Wrong code; check the time on your phone and try again.'),
  'wrong e-mail or password': () => t('Wrong e-mail or password.'),
  'you already hold this chat': () => t('You already hold this chat.'),
  'you are not allowed to do this': () => t('You are not allowed to do this.'),
  'you cannot remove yourself': () => t('You cannot remove yourself.'),
  'you have no free chat slot': () => t('You have no free chat slot.'),
  'you have not joined this chat': () => t('You have not joined this chat.'),
  'your session has expired; sign in again': () => t('Your session has expired; sign in again.'),
  'segment not found': () => t('Segment not found.'),
  'the broadcast was sent already': () => t('The broadcast was sent already.'),
  'the broadcast was cancelled already': () => t('The broadcast was cancelled already.'),
  'macro not found': () => t('Macro not found.'),
  'the name is empty': () => t('The name is empty.'),
  'only owners and admins may keep shared macros': () => t('Only owners and admins may keep shared macros.'),
  'an API key can only keep shared macros': () => t('An API key can only keep shared macros.'),
  'a macro sets a status or snoozes, not both': () => t('A macro sets a status or snoozes, not both.'),
  'a macro that resolves the conversation cannot also assign it': () =>
    t('A macro that resolves the conversation cannot also assign it.'),
  'the broadcast was sent, so it can no longer be changed': () =>
    t('The broadcast was sent, so it can no longer be changed.'),
  'the broadcast was cancelled, so it can no longer be changed': () =>
    t('The broadcast was cancelled, so it can no longer be changed.'),
  'the broadcast has started sending, so it can no longer be changed': () =>
    t('The broadcast has started sending, so it can no longer be changed.'),
};

/** Messages with values: `{}` stands for each value. */
export const SHAPED: Readonly<Record<string, Say>> = {
  '{} ({}); the macro changed nothing': ([reason, action]) =>
    t('{reason} ({action}); the macro changed nothing.', { reason, action }),
  '{} is no language code we know (/body/language)': ([code]) =>
    t('{code} is no language code we know (/body/language).', { code }),
  '{}: no skill {}': ([path, id]) => t('{path}: no skill {id}.', { path, id }),
  'number: {} is already set up': ([number]) => t('Number: {number} is already set up.', { number }),
  '{}: {} is not a number in E.164 form (+ and country code)': ([field, number]) =>
    t('{field}: {number} is not a number in E.164 form (+ and country code).', { field, number }),
  'sendAt {} is in the past; choose a time after {}': ([at, now]) =>
    t('SendAt {at} is in the past; choose a time after {now}.', { at, now }),
  'macro “{}” assigns to a skill that was deleted; edit the macro to choose another': ([name]) =>
    t('Macro “{name}” assigns to a skill that was deleted; edit the macro to choose another.', { name }),
  'macro “{}” assigns to an agent who is no longer on the team; edit the macro to choose another': ([name]) =>
    t('Macro “{name}” assigns to an agent who is no longer on the team; edit the macro to choose another.', {
      name,
    }),
  '{} is not online; the macro changed nothing': ([name]) =>
    t('{name} is not online; the macro changed nothing.', { name }),
  '{} has no free chat slot; the macro changed nothing': ([name]) =>
    t('{name} has no free chat slot; the macro changed nothing.', { name }),
  'this message is {}; it can no longer be changed': ([state]) =>
    t('This message is {state}; it can no longer be changed.', { state }),
  '{} cannot see this conversation, so the note was not saved; remove the mention or transfer the conversation first':
    ([names]) =>
      t(
        '{names} cannot see this conversation, so the note was not saved; remove the mention or transfer the conversation first.',
        { names },
      ),
  '"{}" is not one of the account\'s away reasons': ([reason]) =>
    t('"{reason}" is not one of the account\'s away reasons.', { reason }),
  '{} already reaches another site': ([address]) => t('{address} already reaches another site.', { address }),
  '{} has joined this chat already': ([name]) => t('{name} has joined this chat already.', { name }),
  '{} has no media or location header': ([name]) => t('{name} has no media or location header.', { name }),
  '{} is not a WhatsApp connection: it has no templates': ([name]) =>
    t('{name} is not a WhatsApp connection: it has no templates.', { name }),
  '{} not found': ([what]) => t('{what} not found.', { what }),
  '{} signs in to another account already': ([taken]) =>
    t('{taken} signs in to another account already.', { taken }),
  '{}/skillId: no such skill in this account': ([path]) =>
    t('{path}/skillId: no such skill in this account.', { path }),
  '{}: no such {} in this account': ([path, what]) =>
    t('{path}: no such {what} in this account.', { path, what }),
  '{}: not a date': ([name]) => t('{name}: not a date.', { name }),
  '{}: not a URL': ([name]) => t('{name}: not a URL.', { name }),
  '{}: must be http or https': ([name]) => t('{name}: must be http or https.', { name }),
  '{}: must not hold a user or password': ([name]) =>
    t('{name}: must not hold a user or password.', { name }),
  'nothing was erased: {}': ([reason]) => t('Nothing was erased: {reason}.', { reason }),
  '{}: use YYYY-MM-DD or an ISO date-time': ([name]) =>
    t('{name}: use YYYY-MM-DD or an ISO date-time.', { name }),
  '/{}: unknown property': ([property]) => t('/{property}: unknown property.', { property }),
  '/apns/key: {}': ([message]) => t('/apns/key: {message}.', { message }),
  '/fcm/serviceAccount: {}': ([message]) => t('/fcm/serviceAccount: {message}.', { message }),
  '/headerMedia: this template starts with a file ({}): upload one or give its link': ([kind]) =>
    t('/headerMedia: this template starts with a file ({kind}): upload one or give its link.', { kind }),
  '/headerMedia/attachmentId: a {} header takes {}, not {}': ([format, takes, contentType]) =>
    t('/headerMedia/attachmentId: a {format} header takes {takes}, not {contentType}.', {
      format,
      takes,
      contentType,
    }),
  '/patterns/{}/name: give the pattern a name': ([index]) =>
    t('/patterns/{index}/name: give the pattern a name.', { index }),
  '/patterns/{}/pattern ("{}"): {}': ([index, name, problem]) =>
    t('/patterns/{index}/pattern ("{name}"): {problem}.', { index, name, problem }),
  '/specialDays/{}/day: month {} has no day {}': ([index, month, day]) =>
    t('/specialDays/{index}/day: month {month} has no day {day}.', { index, month, day }),
  '/type: {} connections are not available yet': ([type]) =>
    t('/type: {type} connections are not available yet.', { type }),
  '/values: fill {}': ([missing]) => t('/values: fill {missing}.', { missing }),
  'a canned response with the shortcut "/{}" already exists': ([shortcut]) =>
    t('A canned response with the shortcut "/{shortcut}" already exists.', { shortcut }),
  'a recording chunk is limited to {} bytes and a recording to {}': ([chunkBytes, recordingBytes]) =>
    t('A recording chunk is limited to {chunkBytes} bytes and a recording to {recordingBytes}.', {
      chunkBytes,
      recordingBytes,
    }),
  'a report covers at most {} days': ([days]) => t('A report covers at most {days} days.', { days }),
  'a site key is required (the {} header)': ([header]) =>
    t('A site key is required (the {header} header).', { header }),
  'a skill named "{}" already exists': ([name]) => t('A skill named "{name}" already exists.', { name }),
  'a user with e-mail {} already exists': ([email]) =>
    t('A user with e-mail {email} already exists.', { email }),
  'attachment {} was not uploaded to this conversation from your side, or was sent already': ([id]) =>
    t('Attachment {id} was not uploaded to this conversation from your side, or was sent already.', { id }),
  'attachments are limited to {} bytes': ([maxBytes]) =>
    t('Attachments are limited to {maxBytes} bytes.', { maxBytes }),
  'currency: "{}" is not an ISO 4217 currency code': ([currency]) =>
    t('Currency: "{currency}" is not an ISO 4217 currency code.', { currency }),
  'expected chunk {}, got {}': ([expected, got]) =>
    t('Expected chunk {expected}, got {got}.', { expected, got }),
  'hours.holidays: {} is not a date': ([day]) => t('Hours.holidays: {day} is not a date.', { day }),
  'hours.timeZone: unknown time zone "{}"': ([timeZone]) =>
    t('Hours.timeZone: unknown time zone "{timeZone}".', { timeZone }),
  'items/{}/channel: {} is named twice': ([index, channel]) =>
    t('Items/{index}/channel: {channel} is named twice.', { index, channel }),
  'items/{}/csatSurvey: {} has no survey of its own (web chat asks in the widget)': ([index, channel]) =>
    t('Items/{index}/csatSurvey: {channel} has no survey of its own (web chat asks in the widget).', {
      index,
      channel,
    }),
  'items/{}/csatTemplate: only WhatsApp sends a survey as a template': ([index]) =>
    t('Items/{index}/csatTemplate: only WhatsApp sends a survey as a template.', { index }),
  'items/{}/defaultSkillId: unknown skill id': ([index]) =>
    t('Items/{index}/defaultSkillId: unknown skill id.', { index }),
  'Meta did not list the templates: {}': ([reason]) =>
    t('Meta did not list the templates: {reason}.', { reason }),
  'no template {} ({}) on {}: sync the templates': ([name, language, connection]) =>
    t('No template {name} ({language}) on {connection}: sync the templates.', { name, language, connection }),
  'occurredAt: older than {} days, beyond any report': ([days]) =>
    t('OccurredAt: older than {days} days, beyond any report.', { days }),
  'recordings are {}': ([type]) => t('Recordings are {type}.', { type }),
  'the provider did not answer as expected: {}': ([message]) =>
    t('The provider did not answer as expected: {message}.', { message }),
  'the provider refused the connection: {}': ([why]) =>
    t('The provider refused the connection: {why}.', { why }),
  'the template {} is {}, not APPROVED': ([name, status]) =>
    t('The template {name} is {status}, not APPROVED.', { name, status }),
  'the transcript could not be sent: {}': ([reason]) =>
    t('The transcript could not be sent: {reason}.', { reason }),
  'this delivery is {} already': ([status]) => t('This delivery is {status} already.', { status }),
  'this message is {}, not failed': ([status]) => t('This message is {status}, not failed.', { status }),
  'this needs one of the roles: {}': ([roles]) => t('This needs one of the roles: {roles}.', { roles }),
  'this site already receives {} orders': ([platform]) =>
    t('This site already receives {platform} orders.', { platform }),
  'too many failed sign-ins; try again in {} s': ([wait]) =>
    t('Too many failed sign-ins; try again in {wait} s.', { wait }),
  'training needs {} finished sessions with {} purchases; the account has {} with {}': ([
    minSessions,
    minPurchases,
    sessions,
    purchases,
  ]) =>
    t(
      'Training needs {minSessions} finished sessions with {minPurchases} purchases; the account has {sessions} with {purchases}.',
      { minSessions, minPurchases, sessions, purchases },
    ),
  'tz: unknown time zone "{}"': ([tz]) => t('Tz: unknown time zone "{tz}".', { tz }),
  'unknown time zone "{}"': ([tz]) => t('Unknown time zone "{tz}".', { tz }),
};

const exact = new Map(Object.entries(EXACT));

/** A shape as a pattern (each `{}` is any value), tried longest text first so `{} not found` comes last. */
const shapes = Object.entries(SHAPED)
  .map(([shape, say]) => ({
    pattern: new RegExp(`^${shape.split('{}').map(escapeRegExp).join('(.+?)')}$`, 's'),
    say,
    length: shape.length,
  }))
  .sort((a, b) => b.length - a.length);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The server's `message` in the console's language; undefined when this table does not know it. */
export function serverMessage(message: string): string | undefined {
  const say = exact.get(message);
  if (say) return say([]);
  for (const { pattern, say } of shapes) {
    const m = pattern.exec(message);
    if (m) return say(m.slice(1));
  }
  return undefined;
}
