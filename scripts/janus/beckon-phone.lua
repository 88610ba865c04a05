-- Beckon's phone hub, run by Janus's Lua plugin (janus.plugin.lua). See docs/phone.md.
--
-- Each inbound phone call gets a "caller" handle here: the SIP plugin's handle of the call is
-- its WebRTC peer (Janus negotiating with itself). The hub plays prompts and music to the
-- caller (G.711 u-law RTP, spoken by espeak-ng on the gateway), reads the caller's key presses
-- (RFC 4733 telephone-events) and records voicemail. When an agent answers, an "agent" handle
-- offers the agent's browser a PCMU stream and the hub relays RTP between the two.
-- A call's mode says who hears whom: "talk" (caller and agent), "hold" (the caller hears music)
-- or "consult" (a warm transfer: the agent talks to the next agent's "consult" handle while the
-- caller hears music). Beckon sets the mode; the hub links the handles whose media is up.
-- Audio never leaves the gateway, except a finished voicemail, sent once as a WAV.
json = require('json')

sessions = {}
calls = {}
tasks = {}
clips = {}
ticking = false

local SILENCE = string.char(0xFF)

function getName() return "Beckon phone hub" end
function getPackage() return "janus.plugin.beckonphone" end
function getDescription() return "Prompts, music, key presses and voicemail for Beckon's phone calls" end

local function ulaw(s)
	local sign = 0
	if s < 0 then s = -s; sign = 0x80 end
	if s > 32635 then s = 32635 end
	s = s + 0x84
	local exp = 7
	local mask = 0x4000
	while exp > 0 and (s & mask) == 0 do exp = exp - 1; mask = mask >> 1 end
	local mant = (s >> (exp + 3)) & 0x0F
	return (~(sign | (exp << 4) | mant)) & 0xFF
end

local function unulaw(u)
	u = (~u) & 0xFF
	local s = (((u & 0x0F) << 3) + 0x84) << ((u >> 4) & 7)
	s = s - 0x84
	if (u & 0x80) ~= 0 then return -s end
	return s
end

-- 16-bit samples at `rate` to 8 kHz u-law bytes.
local function encode(samples, rate)
	local out = {}
	local step = rate / 8000
	local n = #samples
	local pos = 1
	while pos <= n do
		local i = math.floor(pos)
		local f = pos - i
		local a = samples[i]
		local b = samples[i + 1] or a
		out[#out + 1] = string.char(ulaw(math.floor(a + (b - a) * f)))
		pos = pos + step
	end
	return table.concat(out)
end

local function readWav(path)
	local f = io.open(path, "rb")
	if not f then return nil end
	local data = f:read("a")
	f:close()
	if #data < 44 or data:sub(1, 4) ~= "RIFF" then return nil end
	local rate = string.unpack("<I4", data, 25)
	local off = 13
	while off + 8 <= #data do
		local id = data:sub(off, off + 3)
		local size = string.unpack("<I4", data, off + 4)
		if id == "data" then
			local samples = {}
			local last = math.min(off + 8 + size - 1, #data)
			for i = off + 8, last - 1, 2 do samples[#samples + 1] = string.unpack("<i2", data, i) end
			return samples, rate
		end
		off = off + 8 + size
	end
	return nil
end

-- Two soft tones: what a caller hears for a prompt when the gateway cannot speak.
local function chime()
	local samples = {}
	for _, hz in ipairs({ 660, 880 }) do
		for i = 0, 2399 do
			samples[#samples + 1] = math.floor(math.sin(2 * math.pi * hz * i / 8000) * 6000 * math.sin(math.pi * i / 2400))
		end
	end
	return encode(samples, 8000)
end

local VOICES = { en = "en", de = "de", es = "es" }

-- A prompt spoken by espeak-ng, kept by text and language.
local function speak(text, lang)
	local voice = VOICES[lang] or "en"
	local key = voice .. ":" .. text
	if clips[key] then return clips[key] end
	local base = os.tmpname()
	local f = io.open(base, "w")
	f:write(text)
	f:close()
	local ok = os.execute("espeak-ng -v " .. voice .. " -s 150 -f " .. base .. " -w " .. base .. ".wav 2>/dev/null")
	local bytes
	if ok then
		local samples, rate = readWav(base .. ".wav")
		if samples then bytes = encode(samples, rate) end
	end
	os.remove(base)
	os.remove(base .. ".wav")
	if not bytes then bytes = chime() end
	clips[key] = bytes
	return bytes
end

-- The tone before a voicemail: 1 kHz for `seconds`.
local function tone(seconds)
	local key = "tone:" .. seconds
	if clips[key] then return clips[key] end
	local samples = {}
	for i = 0, math.floor(8000 * seconds) - 1 do samples[#samples + 1] = math.floor(math.sin(2 * math.pi * 1000 * i / 8000) * 8000) end
	clips[key] = encode(samples, 8000)
	return clips[key]
end

-- Hold music: a slow arpeggio, generated once.
local function music()
	if clips.music then return clips.music end
	local samples = {}
	local notes = { 262, 330, 392, 523, 392, 330, 294, 349, 440, 587, 440, 349 }
	for _, hz in ipairs(notes) do
		for i = 0, 3199 do
			local env = math.sin(math.pi * i / 3200)
			local v = math.sin(2 * math.pi * hz * i / 8000) + 0.3 * math.sin(4 * math.pi * hz * i / 8000)
			samples[#samples + 1] = math.floor(v * 4500 * env)
		end
	end
	clips.music = encode(samples, 8000)
	return clips.music
end

local function push(id, event, jsep)
	pushEvent(id, nil, json.encode(event), jsep and json.encode(jsep) or nil)
end

-- One 20 ms frame of u-law audio to a session's peer, with the session's own sequence.
local function sendPayload(s, payload)
	s.seq = (s.seq + 1) % 65536
	s.ts = (s.ts + #payload) % 4294967296
	relayRtp(s.id, false, string.pack(">BBI2I4I4", 0x80, 0, s.seq, s.ts, s.ssrc) .. payload, 12 + #payload)
end

local function playFrame(s)
	local item = s.queue[1]
	local chunk = item.bytes:sub(item.pos, item.pos + 159)
	if #chunk < 160 then chunk = chunk .. SILENCE:rep(160 - #chunk) end
	item.pos = item.pos + 160
	sendPayload(s, chunk)
	if item.pos > #item.bytes then
		if item.loop then
			item.pos = 1
		else
			table.remove(s.queue, 1)
			if #s.queue == 0 and s.playId then
				push(s.id, { event = "played", id = s.playId })
				s.playId = nil
			end
		end
	end
end

function tick()
	local busy = false
	for _, s in pairs(sessions) do
		if s.up and s.peer == nil and #s.queue > 0 then
			playFrame(s)
			busy = true
		end
	end
	if busy then
		timeCallback("tick", nil, 20)
	else
		ticking = false
	end
end

local function startTicking()
	if not ticking then
		ticking = true
		timeCallback("tick", nil, 20)
	end
end

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
	local out = {}
	for i = 1, #data, 3 do
		local a, b, c = data:byte(i, i + 2)
		local n = (a << 16) | ((b or 0) << 8) | (c or 0)
		local e1 = (n >> 18) & 63
		local e2 = (n >> 12) & 63
		local e3 = (n >> 6) & 63
		local e4 = n & 63
		out[#out + 1] = B64:sub(e1 + 1, e1 + 1) .. B64:sub(e2 + 1, e2 + 1)
			.. (b and B64:sub(e3 + 1, e3 + 1) or "=") .. (c and B64:sub(e4 + 1, e4 + 1) or "=")
	end
	return table.concat(out)
end

-- The recorded u-law frames as a 16-bit PCM WAV, sent once to Beckon.
local function finishRecording(s)
	local rec = s.rec
	if not rec then return end
	s.rec = nil
	local raw = table.concat(rec.frames)
	local pcm = {}
	for i = 1, #raw do pcm[#pcm + 1] = string.pack("<i2", unulaw(raw:byte(i))) end
	local body = table.concat(pcm)
	local head = "RIFF" .. string.pack("<I4", 36 + #body) .. "WAVEfmt " .. string.pack("<I4I2I2I4I4I2I2", 16, 1, 1, 8000, 16000, 2, 16)
		.. "data" .. string.pack("<I4", #body)
	push(s.id, { event = "recording", ms = math.floor(#raw / 8), wav = base64(head .. body) })
end

local function parseOffer(sdp)
	local mid, dtmf = nil, nil
	for line in sdp:gmatch("[^\r\n]+") do
		local m = line:match("^a=mid:(%S+)")
		if m and not mid then mid = m end
		local pt = line:match("^a=rtpmap:(%d+) telephone%-event/8000")
		if pt and not dtmf then dtmf = tonumber(pt) end
	end
	return mid or "0", dtmf
end

local function sdpFor(mid, dtmf)
	local fmts = "0" .. (dtmf and (" " .. dtmf) or "")
	local lines = {
		"v=0", "o=- " .. math.random(1, 2147483647) .. " 1 IN IP4 127.0.0.1", "s=Beckon phone", "t=0 0",
		"m=audio 9 UDP/TLS/RTP/SAVPF " .. fmts, "c=IN IP4 127.0.0.1", "a=sendrecv", "a=mid:" .. mid,
		"a=rtpmap:0 PCMU/8000",
	}
	if dtmf then
		lines[#lines + 1] = "a=rtpmap:" .. dtmf .. " telephone-event/8000"
		lines[#lines + 1] = "a=fmtp:" .. dtmf .. " 0-16"
	end
	return table.concat(lines, "\r\n") .. "\r\n"
end

function init(config) math.randomseed(os.time()) end
function destroy() end

function createSession(id)
	sessions[id] = { id = id, queue = {}, seq = math.random(0, 65535), ts = math.random(0, 2147483647),
		ssrc = math.random(1, 2147483647), up = false }
end

local function unlink(s)
	if s.peer and sessions[s.peer] then sessions[s.peer].peer = nil end
	s.peer = nil
end

function destroySession(id)
	local s = sessions[id]
	if not s then return end
	finishRecording(s)
	unlink(s)
	if s.call and calls[s.call] then
		local c = calls[s.call]
		if c.caller == id then c.caller = nil end
		if c.agent == id then c.agent = nil end
		if c.consult == id then c.consult = nil end
		if not c.caller and not c.agent and not c.consult then calls[s.call] = nil end
	end
	sessions[id] = nil
end

function querySession(id)
	local s = sessions[id]
	if not s then return nil end
	return json.encode({ call = s.call, role = s.role, up = s.up, linked = s.peer ~= nil })
end

local function play(s, msg)
	local queue = {}
	for _, item in ipairs(msg.items or {}) do
		if item.say then queue[#queue + 1] = { bytes = speak(tostring(item.say), msg.lang), pos = 1 } end
		if item.music then queue[#queue + 1] = { bytes = music(), pos = 1, loop = true } end
		if item.tone then queue[#queue + 1] = { bytes = tone(tonumber(item.tone) or 0.5), pos = 1 } end
		if item.silence then queue[#queue + 1] = { bytes = SILENCE:rep(math.floor(8000 * item.silence)), pos = 1 } end
	end
	s.queue = queue
	s.playId = msg.id
	startTicking()
end

local function pair(a, b)
	a.peer = b.id
	b.peer = a.id
end

-- Links the call's handles by its mode, among those whose media is up. In "talk" the caller's
-- queue (place in line, music) stops: they hear the agent.
local function relink(c)
	local caller, agent, consult = sessions[c.caller or -1], sessions[c.agent or -1], sessions[c.consult or -1]
	if caller then unlink(caller) end
	if agent then unlink(agent) end
	if consult then unlink(consult) end
	local mode = c.mode or "talk"
	if mode == "talk" and caller and agent and caller.up and agent.up then
		caller.queue = {}
		caller.playId = nil
		pair(caller, agent)
		push(caller.id, { event = "linked" })
	elseif mode == "consult" and agent and consult and agent.up and consult.up then
		pair(agent, consult)
	end
	if caller and caller.up and #caller.queue > 0 then startTicking() end
end

local function handle(id, tr, msg, jsep)
	local s = sessions[id]
	if not s then return end
	local r = msg.request
	if r == "caller" and jsep then
		s.role = "caller"
		s.call = tostring(msg.call)
		calls[s.call] = calls[s.call] or {}
		calls[s.call].caller = id
		local mid, dtmf = parseOffer(jsep.sdp)
		s.dtmfPt = dtmf
		pushEvent(id, tr, json.encode({ event = "answering" }), json.encode({ type = "answer", sdp = sdpFor(mid, dtmf) }))
	elseif r == "agent" then
		s.role = msg.consult and "consult" or "agent"
		s.call = tostring(msg.call)
		calls[s.call] = calls[s.call] or {}
		if msg.consult then
			calls[s.call].consult = id
		else
			calls[s.call].agent = id
			calls[s.call].mode = "talk"
		end
		pushEvent(id, tr, json.encode({ event = "offering" }), json.encode({ type = "offer", sdp = sdpFor("0", nil) }))
	elseif r == "answer" then
		pushEvent(id, tr, json.encode({ event = "answered" }), nil)
	elseif r == "play" then
		play(s, msg)
	elseif r == "stop" then
		s.queue = {}
		s.playId = nil
	elseif r == "record" then
		s.rec = { frames = {}, max = math.floor(8000 * (tonumber(msg.seconds) or 60)), size = 0 }
	elseif r == "stop_record" then
		finishRecording(s)
	elseif r == "mode" then
		local c = s.call and calls[s.call]
		if not c then return end
		-- A completed warm transfer: the next agent's handle becomes the call's agent.
		if msg.promote and c.consult then
			c.agent = c.consult
			c.consult = nil
			if sessions[c.agent] then sessions[c.agent].role = "agent" end
		end
		c.mode = tostring(msg.mode)
		relink(c)
	end
end

function handleMessage(id, tr, msg, jsep)
	if not sessions[id] then return -1, "no such session" end
	local m = json.decode(msg)
	local j = jsep and json.decode(jsep) or nil
	tasks[#tasks + 1] = { id = id, tr = tr, msg = m, jsep = j }
	pokeScheduler()
	return 1, nil
end

function resumeScheduler()
	while #tasks > 0 do
		local t = table.remove(tasks, 1)
		handle(t.id, t.tr, t.msg, t.jsep)
	end
end

function setupMedia(id)
	local s = sessions[id]
	if not s then return end
	s.up = true
	push(id, { event = "media", up = true })
	-- Whichever side comes up last links the call (an agent may answer before the caller's leg is up).
	local c = s.call and calls[s.call]
	if c then relink(c) end
	if #s.queue > 0 then startTicking() end
end

function hangupMedia(id)
	local s = sessions[id]
	if not s then return end
	s.up = false
	finishRecording(s)
	unlink(s)
end

function incomingRtp(id, video, buf, len)
	local s = sessions[id]
	if not s or video or len < 12 then return end
	local b0 = buf:byte(1)
	local pt = buf:byte(2) & 0x7F
	local off = 12 + (b0 & 0x0F) * 4
	if (b0 & 0x10) ~= 0 and len >= off + 4 then
		local words = string.unpack(">I2", buf, off + 3)
		off = off + 4 + words * 4
	end
	local payload = buf:sub(off + 1, len)
	if s.dtmfPt and pt == s.dtmfPt then
		if #payload >= 4 and (payload:byte(2) & 0x80) ~= 0 then
			local ts = string.unpack(">I4", buf, 5)
			if ts ~= s.lastDtmf then
				s.lastDtmf = ts
				local e = payload:byte(1)
				local digit = e <= 9 and tostring(e) or (e == 10 and "*" or (e == 11 and "#" or nil))
				if digit then push(id, { event = "dtmf", digit = digit }) end
			end
		end
		return
	end
	if pt ~= 0 then return end
	if s.rec then
		s.rec.frames[#s.rec.frames + 1] = payload
		s.rec.size = s.rec.size + #payload
		if s.rec.size >= s.rec.max then finishRecording(s) end
	end
	if s.peer then
		local p = sessions[s.peer]
		if p and p.up then sendPayload(p, payload) end
	end
end

function incomingRtcp(id, video, buf, len) end
