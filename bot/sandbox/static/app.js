// The pfp sandbox page: a Slack look-alike in one browser tab, talking to the sandbox's Python server.
// See README.md beside this file for the API it speaks. Plain ES2020, no framework, no build step.
//
// One rule above all: text that comes from messages, views or people is put on the page with
// textContent (through the h() helper below), never with innerHTML, so nothing typed can inject HTML.
"use strict";

// ----------------------------------------------------------------------------------------- helpers

const $ = (selector, root = document) => root.querySelector(selector);

/** Builds an element. attrs: class, testid, data-*, on<Event> handlers, other attributes as-is.
 *  Children are nodes or strings (strings become text nodes, never markup). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "testid") el.dataset.testid = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "checked" || key === "selected" || key === "disabled" || key === "multiple") el[key] = Boolean(value);
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Replaces an element's children; arrays (from .map) are flattened, strings become text. */
function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Only these links become clickable: anything else (javascript:, data:, relative) is shown as plain text. */
function safeUrl(url) {
  if (typeof url !== "string") return null;
  if (/^(https?:|mailto:)/i.test(url)) return url;
  return null;
}

/** Slack escapes only these three in mrkdwn and message text. */
function unescapeSlack(text) {
  return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

// A few emoji codes Slack would draw; others stay as :code:, which is what Slack shows for unknown ones.
const EMOJI = {
  white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", warning: "⚠️", calendar: "📆", date: "📅",
  spiral_calendar_pad: "🗓️", memo: "📝", page_facing_up: "📄", bell: "🔔", hourglass: "⌛",
  hourglass_flowing_sand: "⏳", wave: "👋", tada: "🎉", information_source: "ℹ️", bulb: "💡",
  handshake: "🤝", globe_with_meridians: "🌐", earth_africa: "🌍", earth_americas: "🌎", earth_asia: "🌏",
  lock: "🔒", unlock: "🔓", mag: "🔍", pushpin: "📌", paperclip: "📎", email: "📧", envelope: "✉️",
  inbox_tray: "📥", outbox_tray: "📤", clipboard: "📋", books: "📚", eyes: "👀", thumbsup: "👍", "+1": "👍",
  thumbsdown: "👎", "-1": "👎", red_circle: "🔴", large_green_circle: "🟢", large_yellow_circle: "🟡",
  large_blue_circle: "🔵", no_entry: "⛔", no_entry_sign: "🚫", arrow_right: "➡️", star: "⭐",
  speech_balloon: "💬", busts_in_silhouette: "👥", bust_in_silhouette: "👤", money_with_wings: "💸",
  moneybag: "💰", chart_with_upwards_trend: "📈", bar_chart: "📊", link: "🔗", clock1: "🕐", alarm_clock: "⏰",
};

function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (all, code) => EMOJI[code] || all);
}

// ------------------------------------------------------------------------------------ app state

const S = {
  person: new URLSearchParams(location.search).get("person") || null,
  version: null,          // the state version last received; null = ask for the state at once
  state: null,            // the last state received
  selected: decodeURIComponent(location.hash.slice(1)) || null, // "home" or a channel id
  thread: null,           // {channel, ts} of the thread open in the side panel
  viewValues: {},         // view id -> {block_id: {action_id: element_state}}: what is typed in a modal / Home
  viewErrors: {},         // view id -> {block_id: message}, from response_action: errors
  viewRendered: {},       // "modal" / "home" -> JSON of the view drawn, so an unchanged view is not redrawn
  dismissed: new Set(),   // ephemeral messages hidden with "Dismiss" (only on this page; Slack does the same)
  seen: {},               // person -> channel id -> newest ts seen, for the unread marks in the sidebar
  pollGeneration: 0,      // bumped on a person switch so a late answer for the previous person is dropped
  pollAbort: null,
  awaitingState: false,   // a submit or close went through; its modal stays disabled until the new state comes
  suggestion: {items: [], index: 0},
};

function peopleById() {
  return new Map((S.state?.people || []).map((p) => [p.id, p]));
}

function currentPerson() {
  return peopleById().get(S.state?.person) || null;
}

function channelsById() {
  return new Map((S.state?.channels || []).map((c) => [c.id, c]));
}

function isDirect(channel) {
  return Boolean(channel && (channel.is_im || channel.is_mpim));
}

// ------------------------------------------------------------------------------------------ API

async function post(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
    });
  } catch (err) {
    return {ok: false, error: "server_unreachable"};
  }
  try {
    const data = await response.json();
    if (!response.ok && data.ok === undefined) return {ok: false, error: `http_${response.status}`};
    return data;
  } catch (err) {
    return {ok: false, error: `http_${response.status}`};
  }
}

/** The state loop: one long-poll at a time; the server answers when something changed after
 *  `since` (or after 25 s with the same state). A person switch aborts the poll in flight. */
async function pollLoop() {
  let failures = 0;
  for (;;) {
    const generation = S.pollGeneration;
    const params = new URLSearchParams();
    if (S.person) params.set("person", S.person);
    if (S.version !== null) params.set("since", String(S.version));
    S.pollAbort = new AbortController();
    const started = Date.now();
    try {
      const response = await fetch(`/sandbox/state?${params}`, {signal: S.pollAbort.signal, cache: "no-store"});
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const state = await response.json();
      if (generation !== S.pollGeneration) continue; // asked for someone else meanwhile
      failures = 0;
      setConnection(null);
      const unchanged = state.version === S.version;
      applyState(state);
      // A server that answers at once with nothing new would make this loop spin: slow it down.
      if (unchanged && Date.now() - started < 1000) await sleep(1000);
    } catch (err) {
      if (err.name === "AbortError") continue;
      failures += 1;
      setConnection("The sandbox server does not answer; trying again…");
      await sleep(Math.min(10000, 500 * 2 ** Math.min(failures, 5)));
    }
  }
}

/** Asks for the state at once (after a person switch): the poll in flight is dropped. */
function refreshNow() {
  S.pollGeneration += 1;
  S.version = null;
  if (S.pollAbort) S.pollAbort.abort();
}

function setConnection(text) {
  const el = $('[data-testid="connection-status"]');
  el.hidden = !text;
  el.textContent = text || "";
}

// ------------------------------------------------------------------------------ applying a state

function applyState(state) {
  const personChanged = S.state?.person !== state.person;
  S.state = state;
  S.version = state.version;
  S.person = state.person;
  S.awaitingState = false;
  if (personChanged) onPersonShown();
  chooseChannel();
  remember();
  renderPeople();
  renderClock();
  renderPane(); // before the sidebar: showing a channel marks its messages as read
  renderSidebar();
  renderThread();
  renderModal();
  renderFailures(personChanged);
}

/** A modal the bot opened too late (its trigger_id had died after 3 seconds): in Slack nothing opens; here
 * the person is told why, once per failure. */
function renderFailures(personChanged) {
  const failures = S.state.failures || [];
  if (personChanged) S.failuresSeen = failures.length;
  if (failures.length > (S.failuresSeen || 0)) {
    const last = failures[failures.length - 1];
    setComposerError(`The form could not open: Slack said "${last.error}" (the bot took more than 3 seconds to open it).`);
  }
  S.failuresSeen = failures.length;
}

/** Keeps ?person=… and #channel in the address, so a reload (or a shared link) shows the same. */
function remember() {
  const url = new URL(location.href);
  url.searchParams.set("person", S.person);
  url.hash = S.selected ? encodeURIComponent(S.selected) : "";
  history.replaceState(null, "", url);
}

/** The first time a person is shown, everything already there counts as read. */
function onPersonShown() {
  S.thread = null;
  if (!S.seen[S.state.person]) {
    S.seen[S.state.person] = {};
    for (const channel of S.state.channels || []) markSeen(channel.id);
  }
  // A DM belongs to one person: after a switch, show the new person's DM with the bot instead.
  const channels = channelsById();
  if (S.selected && S.selected !== "home" && !channels.has(S.selected)) {
    const dm = (S.state.channels || []).find((c) => c.is_im);
    S.selected = dm ? dm.id : null;
  }
}

function chooseChannel() {
  const channels = S.state.channels || [];
  if (S.selected === "home") return;
  if (S.selected && channels.some((c) => c.id === S.selected)) return;
  const dm = channels.find((c) => c.is_im);
  S.selected = dm ? dm.id : channels[0]?.id || "home";
}

function newestTs(channelId) {
  const list = S.state.messages?.[channelId] || [];
  let newest = "0";
  for (const m of list) if (Number(m.ts) > Number(newest)) newest = m.ts;
  return newest;
}

function markSeen(channelId) {
  const seen = S.seen[S.state.person] || (S.seen[S.state.person] = {});
  seen[channelId] = newestTs(channelId);
}

function unreadCount(channelId) {
  const seen = S.seen[S.state.person]?.[channelId] || "0";
  return (S.state.messages?.[channelId] || []).filter((m) => Number(m.ts) > Number(seen)).length;
}

// --------------------------------------------------------------------------------------- time

function validZone(tz) {
  try {
    new Intl.DateTimeFormat("en-GB", {timeZone: tz});
    return tz;
  } catch (err) {
    return "UTC";
  }
}

function personZone() {
  return validZone(currentPerson()?.tz || "UTC");
}

function formatDate(date, options, tz = personZone()) {
  return new Intl.DateTimeFormat("en-GB", {timeZone: tz, ...options}).format(date);
}

function tsDate(ts) {
  return new Date(Number(ts) * 1000);
}

function dayKey(date, tz) {
  return formatDate(date, {year: "numeric", month: "2-digit", day: "2-digit"}, tz);
}

// ------------------------------------------------------------------------------------- mrkdwn

/** Renders Slack mrkdwn into a fragment of DOM nodes. Code blocks and inline code are taken out
 *  first (nothing is formatted inside them), then <…> links and mentions, then *bold*, _italic_,
 *  ~strike~. Each piece is a text node or an element built here: no HTML from the text is parsed. */
function mrkdwn(text) {
  const fragment = document.createDocumentFragment();
  const parts = String(text ?? "").split(/```/);
  parts.forEach((part, i) => {
    if (i % 2 === 1 && i < parts.length - 1) {
      fragment.append(h("pre", {class: "md-pre"}, unescapeSlack(part.replace(/^\n/, "").replace(/\n$/, ""))));
    } else {
      // An odd ``` with no closing one is shown as it was typed.
      let chunk = i % 2 === 1 ? "```" + part : part;
      // The line breaks around a code block belong to the block, which is a block of its own.
      if (i % 2 === 0 && i > 0) chunk = chunk.replace(/^\n/, "");
      if (i % 2 === 0 && i + 1 < parts.length - 1) chunk = chunk.replace(/\n$/, "");
      appendLines(fragment, chunk);
    }
  });
  return fragment;
}

/** Lines starting with "&gt;" (an escaped >) are a quote, as in Slack. */
function appendLines(fragment, chunk) {
  const lines = chunk.split("\n");
  let quote = null;
  lines.forEach((line, i) => {
    const quoted = /^(&gt;|>)\s?/.exec(line);
    if (quoted) {
      if (!quote) {
        quote = h("blockquote", {class: "md-quote"});
        fragment.append(quote);
      } else {
        quote.append("\n");
      }
      quote.append(inline(line.slice(quoted[0].length)));
      return;
    }
    quote = null;
    fragment.append(inline(line));
    if (i < lines.length - 1) fragment.append("\n");
  });
}

// Atoms (inline code, <…> tokens) are swapped for private-use characters while the emphasis is
// parsed, so a * inside a link label or a URL can never open a bold run.
const ATOM_BASE = 0xe000;

function inline(line) {
  const atoms = [];
  const keep = (node) => String.fromCharCode(ATOM_BASE + atoms.push(node) - 1);
  let masked = line.replace(/`([^`\n]+)`/g, (all, code) => keep(h("code", {class: "md-code"}, unescapeSlack(code))));
  masked = masked.replace(/<([^<>\n]+)>/g, (all, inner) => keep(angle(inner)));
  const fragment = document.createDocumentFragment();
  emphasis(masked, fragment, atoms);
  return fragment;
}

const WORD = /[\p{L}\p{N}]/u;
const MARKS = {"*": "strong", "_": "em", "~": "s"};

/** *bold*, _italic_, ~strike~ with Slack's rules: the opening mark is not inside a word and is
 *  followed by a non-space; the closing one follows a non-space and is not followed by a word. */
function emphasis(text, parent, atoms) {
  let plain = "";
  const flush = () => {
    if (plain) appendText(parent, plain, atoms);
    plain = "";
  };
  for (let i = 0; i < text.length; i++) {
    const mark = text[i];
    if (MARKS[mark] && (i === 0 || !WORD.test(text[i - 1])) && i + 1 < text.length && !/\s/.test(text[i + 1]) && text[i + 1] !== mark) {
      let end = -1;
      for (let j = i + 2; j < text.length; j++) {
        if (text[j] === mark && !/\s/.test(text[j - 1]) && (j + 1 === text.length || !WORD.test(text[j + 1]))) {
          end = j;
          break;
        }
      }
      if (end > 0) {
        flush();
        const el = h(MARKS[mark], {class: `md-${MARKS[mark]}`});
        emphasis(text.slice(i + 1, end), el, atoms);
        parent.append(el);
        i = end;
        continue;
      }
    }
    plain += mark;
  }
  flush();
}

function appendText(parent, text, atoms) {
  let run = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0) - ATOM_BASE;
    if (code >= 0 && code < atoms.length && ch.length === 1) {
      if (run) parent.append(emojify(unescapeSlack(run)));
      run = "";
      parent.append(atoms[code]);
    } else {
      run += ch;
    }
  }
  if (run) parent.append(emojify(unescapeSlack(run)));
}

/** What is between < and >: a user or channel mention, a special mention, a date, or a link. */
function angle(inner) {
  const [target, ...rest] = inner.split("|");
  const label = rest.length ? unescapeSlack(rest.join("|")) : null;
  if (target.startsWith("@")) {
    const person = peopleById().get(target.slice(1));
    const mine = target.slice(1) === S.state?.person;
    return h("span", {class: `mention${mine ? " mention-me" : ""}`, "data-user-id": target.slice(1)},
      "@" + (person ? person.name : (label || target.slice(1))));
  }
  if (target.startsWith("#")) {
    const channel = channelsById().get(target.slice(1));
    return h("span", {class: "mention mention-channel", "data-channel-id": target.slice(1)},
      "#" + (label || channel?.name || target.slice(1)));
  }
  if (target.startsWith("!")) {
    const special = target.slice(1);
    if (special.startsWith("date^")) return document.createTextNode(label || special); // Slack shows the fallback when it cannot format
    if (special.startsWith("subteam^")) return h("span", {class: "mention"}, label || "@group");
    return h("span", {class: "mention mention-special"}, "@" + (label || special));
  }
  const url = safeUrl(unescapeSlack(target));
  if (!url) return document.createTextNode(unescapeSlack(label || target));
  return h("a", {class: "md-link", href: url, target: "_blank", rel: "noopener noreferrer"},
    label || unescapeSlack(target).replace(/^mailto:/, ""));
}

/** A Block Kit text object: plain_text as it is (with emoji codes), mrkdwn formatted. */
function textObject(obj, className = "") {
  if (!obj) return null;
  if (typeof obj === "string") return h("span", {class: className}, obj);
  if (obj.type === "mrkdwn") return h("span", {class: `mrkdwn ${className}`}, mrkdwn(obj.text));
  return h("span", {class: `plain ${className}`}, obj.emoji === false ? obj.text : emojify(obj.text ?? ""));
}

function plainOf(obj) {
  if (!obj) return "";
  return typeof obj === "string" ? obj : unescapeSlack(obj.text ?? "");
}

// ---------------------------------------------------------------------------------- Block Kit

// ctx says where blocks are drawn, for the actions they send:
//   {container: "message", channel, message_ts, is_ephemeral}  or  {container: "view"|"home", view_id}
// For views, S.viewValues[view_id] holds each element's state (Slack's view.state.values).

function renderBlocks(blocks, ctx) {
  const wrap = h("div", {class: "blocks"});
  (blocks || []).forEach((block, index) => {
    const blockId = block.block_id || `block-${index}`; // Slack makes one up too when the bot gave none
    wrap.append(renderBlock(block, blockId, ctx));
  });
  return wrap;
}

function renderBlock(block, blockId, ctx) {
  switch (block.type) {
    case "header":
      return h("div", {class: "block block-header", "data-block-id": blockId}, textObject(block.text));
    case "divider":
      return h("hr", {class: "block block-divider"});
    case "section":
      return renderSection(block, blockId, ctx);
    case "context":
      return h("div", {class: "block block-context", "data-block-id": blockId},
        (block.elements || []).map((el) => el.type === "image"
          ? image(el, "context-image") : textObject(el, "context-text")));
    case "image":
      return h("figure", {class: "block block-image", "data-block-id": blockId},
        block.title ? h("figcaption", {}, textObject(block.title)) : null,
        image(block, "block-image-img"));
    case "actions":
      return h("div", {class: "block block-actions", "data-block-id": blockId},
        (block.elements || []).map((el) => renderElement(el, blockId, ctx)));
    case "input":
      return renderInput(block, blockId, ctx);
    case "rich_text":
      return h("div", {class: "block block-rich-text", "data-block-id": blockId}, richText(block.elements));
    default:
      return h("div", {class: "block block-unsupported"}, `[a “${block.type}” block: the sandbox cannot draw it]`);
  }
}

function renderSection(block, blockId, ctx) {
  const body = h("div", {class: "section-body"},
    block.text ? h("div", {class: "section-text"}, textObject(block.text)) : null,
    block.fields?.length ? h("div", {class: "section-fields"}, block.fields.map((f) => h("div", {class: "section-field"}, textObject(f)))) : null);
  const accessory = block.accessory ? h("div", {class: "section-accessory"}, renderElement(block.accessory, blockId, ctx)) : null;
  return h("div", {class: "block block-section", "data-block-id": blockId}, body, accessory);
}

function image(el, className) {
  const url = safeUrl(el.image_url);
  const fallback = h("span", {class: `${className} image-missing`, title: el.alt_text || ""}, `Image: ${el.alt_text || "no description"}`);
  if (!url) return fallback;
  const img = h("img", {class: className, src: url, alt: el.alt_text || "", title: el.alt_text || "", loading: "lazy"});
  // The sandbox has no Internet: an image the bot links to may not load, so its description is shown.
  img.addEventListener("error", () => {
    const list = img.closest(".pane-body, .thread-body");
    img.replaceWith(fallback);
    keepBottom(list);
  });
  img.addEventListener("load", () => keepBottom(img.closest(".pane-body, .thread-body")));
  return img;
}

/** rich_text is not used by pfp today; a plain rendering keeps pasted examples readable. */
function richText(elements) {
  return (elements || []).map((el) => {
    const inner = () => (el.elements || []).map(richInline);
    if (el.type === "rich_text_list") {
      const tag = el.style === "ordered" ? "ol" : "ul";
      return h(tag, {class: "md-list"}, (el.elements || []).map((item) => h("li", {}, (item.elements || []).map(richInline))));
    }
    if (el.type === "rich_text_preformatted") return h("pre", {class: "md-pre"}, inner());
    if (el.type === "rich_text_quote") return h("blockquote", {class: "md-quote"}, inner());
    return h("div", {class: "rich-section"}, inner());
  });
}

function richInline(el) {
  let node;
  if (el.type === "link") node = angle(`${el.url}${el.text ? "|" + el.text : ""}`);
  else if (el.type === "user") node = angle(`@${el.user_id}`);
  else if (el.type === "channel") node = angle(`#${el.channel_id}`);
  else if (el.type === "emoji") node = document.createTextNode(EMOJI[el.name] || `:${el.name}:`);
  else node = document.createTextNode(el.text ?? "");
  const style = el.style || {};
  if (style.code) node = h("code", {class: "md-code"}, node);
  if (style.bold) node = h("strong", {}, node);
  if (style.italic) node = h("em", {}, node);
  if (style.strike) node = h("s", {}, node);
  return node;
}

// -------------------------------------------------------------------------- elements and state

/** The state Slack keeps for an element that is in view.state.values, before anyone touches it. */
function initialState(el) {
  switch (el.type) {
    case "plain_text_input":
    case "number_input":
    case "email_text_input":
    case "url_text_input":
      return {type: el.type, value: el.initial_value ?? null};
    case "static_select":
    case "external_select":
    case "radio_buttons":
      return {type: el.type, selected_option: el.initial_option ?? null};
    case "multi_static_select":
    case "multi_external_select":
    case "checkboxes":
      return {type: el.type, selected_options: el.initial_options ?? []};
    case "datepicker":
      return {type: el.type, selected_date: el.initial_date ?? null};
    case "timepicker":
      return {type: el.type, selected_time: el.initial_time ?? null};
    case "users_select":
      return {type: el.type, selected_user: el.initial_user ?? null};
    case "multi_users_select":
      return {type: el.type, selected_users: el.initial_users ?? []};
    case "conversations_select":
      return {type: el.type, selected_conversation: el.initial_conversation ?? null};
    case "channels_select":
      return {type: el.type, selected_channel: el.initial_channel ?? null};
    default:
      return null; // buttons, overflow menus, images: no state
  }
}

/** The element's current state: what was typed in this view, else its initial value. */
function elementState(el, blockId, ctx) {
  const typed = ctx.view_id ? S.viewValues[ctx.view_id]?.[blockId]?.[el.action_id] : undefined;
  return typed || initialState(el);
}

function setElementState(ctx, blockId, el, state) {
  if (!ctx.view_id) return;
  const values = S.viewValues[ctx.view_id] || (S.viewValues[ctx.view_id] = {});
  (values[blockId] || (values[blockId] = {}))[el.action_id] = state;
}

/** Every stateful element of a view with its state, keyed as Slack's view.state.values. */
function collectValues(view) {
  const values = {};
  const ctx = {view_id: view.id};
  (view.blocks || []).forEach((block, index) => {
    const blockId = block.block_id || `block-${index}`;
    const elements = block.type === "input" ? [block.element]
      : block.type === "actions" ? block.elements || []
      : block.type === "section" && block.accessory ? [block.accessory] : [];
    for (const el of elements) {
      if (!el || !el.action_id) continue;
      const state = elementState(el, blockId, ctx);
      if (state) (values[blockId] || (values[blockId] = {}))[el.action_id] = state;
    }
  });
  return values;
}

/** Draws one interactive element. `live` elements (in messages, actions blocks, accessories, and
 *  inputs with dispatch_action) send an action as soon as they change; input elements of a modal
 *  only keep their state until the form is submitted. */
function renderElement(el, blockId, ctx, {live = true} = {}) {
  const send = (action) => live && sendAction(ctx, blockId, {action_id: el.action_id, block_id: blockId, type: el.type, ...action});
  const keep = (state) => setElementState(ctx, blockId, el, state);
  const ids = {"data-action-id": el.action_id, "data-block-id": blockId};
  switch (el.type) {
    case "button":
      return buttonElement(el, ids, send);
    case "overflow":
      return overflowElement(el, ids, send);
    case "image":
      return image(el, "accessory-image");
    case "static_select":
    case "external_select":
      return selectElement(el, ids, blockId, ctx, keep, send);
    case "multi_static_select":
    case "multi_external_select":
      return multiSelectElement(el, ids, blockId, ctx, keep, send);
    case "users_select":
    case "conversations_select":
    case "channels_select":
      return entitySelectElement(el, ids, blockId, ctx, keep, send);
    case "checkboxes":
    case "radio_buttons":
      return choiceElement(el, ids, blockId, ctx, keep, send);
    case "datepicker":
    case "timepicker":
      return dateTimeElement(el, ids, blockId, ctx, keep, send);
    case "plain_text_input":
    case "number_input":
    case "email_text_input":
    case "url_text_input":
      return textInputElement(el, ids, blockId, ctx, keep, send, live);
    default:
      return h("span", {class: "element-unsupported"}, `[a “${el.type}” element: the sandbox cannot draw it]`);
  }
}

function buttonElement(el, ids, send) {
  const style = el.style === "primary" || el.style === "danger" ? ` button-${el.style}` : "";
  const button = h("button", {type: "button", class: `bk-button${style}`, ...ids}, textObject(el.text));
  button.addEventListener("click", async () => {
    if (el.confirm && !(await confirmDialog(el.confirm))) return;
    const url = safeUrl(el.url);
    if (url) window.open(url, "_blank", "noopener"); // Slack opens the link and still tells the app
    send({value: el.value, text: el.text});
  });
  return button;
}

function overflowElement(el, ids, send) {
  const wrap = h("span", {class: "overflow"});
  const toggle = h("button", {type: "button", class: "bk-button overflow-toggle", title: "More actions", "aria-haspopup": "menu", ...ids}, "⋮");
  const menu = h("div", {class: "overflow-menu", role: "menu", testid: "overflow-menu", hidden: true});
  for (const option of el.options || []) {
    menu.append(h("button", {type: "button", class: "overflow-option", role: "menuitem", testid: "overflow-option", "data-value": option.value,
      onclick: async () => {
        menu.hidden = true;
        if (el.confirm && !(await confirmDialog(el.confirm))) return;
        const url = safeUrl(option.url);
        if (url) window.open(url, "_blank", "noopener");
        send({selected_option: {text: option.text, value: option.value}});
      }}, textObject(option.text)));
  }
  toggle.addEventListener("click", (event) => {
    event.stopPropagation();
    const wasHidden = menu.hidden;
    closeMenus();
    menu.hidden = !wasHidden;
  });
  return append(wrap, [toggle, menu]);
}

function closeMenus() {
  document.querySelectorAll(".overflow-menu").forEach((m) => { m.hidden = true; });
}

/** Options of a select, flat, with the index used as the <option> value (values may repeat across groups). */
function flatOptions(el) {
  if (el.option_groups) return el.option_groups.flatMap((g) => g.options || []);
  return el.options || [];
}

function optionNodes(el, isSelected) {
  let index = 0;
  const node = (option) => h("option", {value: String(index++), selected: isSelected(option)}, plainOf(option.text));
  if (el.option_groups) {
    return el.option_groups.map((group) => h("optgroup", {label: plainOf(group.label)}, (group.options || []).map(node)));
  }
  return (el.options || []).map(node);
}

function sameOption(a, b) {
  return Boolean(a && b && a.value === b.value);
}

function selectElement(el, ids, blockId, ctx, keep, send) {
  const state = elementState(el, blockId, ctx);
  const current = state?.selected_option;
  let options = flatOptions(el);
  let note = null;
  if (el.type === "external_select") {
    // The options of an external select come from the bot as one types; the sandbox has no way to ask.
    options = current ? [current] : [];
    note = h("div", {class: "element-note"}, "Options come from the bot as you type: not available in the sandbox.");
  }
  const select = h("select", {class: "bk-select", ...ids},
    h("option", {value: "", disabled: el.type !== "external_select", selected: !current}, plainOf(el.placeholder) || "Choose an option"),
    el.type === "external_select" ? options.map((o, i) => h("option", {value: String(i), selected: true}, plainOf(o.text))) : optionNodes(el, (o) => sameOption(o, current)));
  select.addEventListener("change", async () => {
    const option = select.value === "" ? null : options[Number(select.value)];
    const chosen = option ? {text: option.text, value: option.value} : null;
    if (el.confirm && !(await confirmDialog(el.confirm))) {
      select.value = current ? String(options.findIndex((o) => sameOption(o, current))) : "";
      return;
    }
    keep({type: el.type, selected_option: chosen});
    send({selected_option: chosen});
  });
  return note ? h("div", {class: "select-wrap"}, select, note) : select;
}

/** Slack's multi-select: the chosen options as chips (× removes one) and a menu to add another. */
function multiSelectElement(el, ids, blockId, ctx, keep, send) {
  const options = el.type === "multi_external_select" ? (elementState(el, blockId, ctx).selected_options || []) : flatOptions(el);
  let chosen = [...(elementState(el, blockId, ctx).selected_options || [])];
  const wrap = h("div", {class: "multi-select", ...ids, testid: "multi-select"});
  const update = () => {
    const state = {type: el.type, selected_options: chosen.map((o) => ({text: o.text, value: o.value}))};
    keep(state);
    send({selected_options: state.selected_options});
    draw();
  };
  const draw = () => {
    const chips = chosen.map((option) => h("span", {class: "chip", "data-value": option.value}, plainOf(option.text),
      h("button", {type: "button", class: "chip-remove", title: "Remove", "aria-label": `Remove ${plainOf(option.text)}`,
        onclick: () => { chosen = chosen.filter((o) => o.value !== option.value); update(); }}, "×")));
    const full = el.max_selected_items && chosen.length >= el.max_selected_items;
    const adder = h("select", {class: "bk-select multi-add", "data-action-id": el.action_id, "data-block-id": blockId, disabled: full},
      h("option", {value: "", selected: true}, full ? "No more can be chosen" : (chosen.length ? "Add another…" : plainOf(el.placeholder) || "Choose options")),
      optionNodes(el, () => false));
    // Options already chosen are left in the list but greyed out, so the list keeps its order.
    [...adder.querySelectorAll("option[value]:not([value=''])")].forEach((node) => {
      if (chosen.some((o) => sameOption(o, options[Number(node.value)]))) node.disabled = true;
    });
    adder.addEventListener("change", () => {
      const option = options[Number(adder.value)];
      if (option && !chosen.some((o) => sameOption(o, option))) chosen.push(option);
      update();
    });
    fill(wrap, h("div", {class: "chips"}, chips), adder);
  };
  draw();
  return wrap;
}

/** users_select, conversations_select, channels_select: pfp does not use them; drawn from the state's people and channels. */
function entitySelectElement(el, ids, blockId, ctx, keep, send) {
  const state = elementState(el, blockId, ctx);
  const key = {users_select: "selected_user", conversations_select: "selected_conversation", channels_select: "selected_channel"}[el.type];
  const items = el.type === "users_select" ? (S.state.people || []).map((p) => [p.id, p.name])
    : (S.state.channels || []).filter((c) => el.type === "conversations_select" || !isDirect(c)).map((c) => [c.id, isDirect(c) ? c.name : `#${c.name}`]);
  const select = h("select", {class: "bk-select", ...ids},
    h("option", {value: "", selected: !state[key]}, plainOf(el.placeholder) || "Choose…"),
    items.map(([id, name]) => h("option", {value: id, selected: state[key] === id}, name)));
  select.addEventListener("change", () => {
    keep({type: el.type, [key]: select.value || null});
    send({[key]: select.value || null});
  });
  return select;
}

function choiceElement(el, ids, blockId, ctx, keep, send) {
  const multiple = el.type === "checkboxes";
  const state = elementState(el, blockId, ctx);
  const isChosen = (option) => multiple ? (state.selected_options || []).some((o) => sameOption(o, option)) : sameOption(state.selected_option, option);
  // A radio group needs a name unique on the page: the view, the block and the element.
  const group = `${ctx.view_id || ctx.message_ts || "m"}:${blockId}:${el.action_id}`;
  const wrap = h("div", {class: `choices choices-${el.type}`, role: multiple ? "group" : "radiogroup", ...ids});
  const inputs = [];
  (el.options || []).forEach((option, index) => {
    const input = h("input", {type: multiple ? "checkbox" : "radio", name: group, value: String(index), checked: isChosen(option),
      "data-value": option.value});
    inputs.push(input);
    wrap.append(h("label", {class: "choice"}, input,
      h("span", {class: "choice-text"}, textObject(option.text),
        option.description ? h("span", {class: "choice-description"}, textObject(option.description)) : null)));
  });
  wrap.addEventListener("change", () => {
    const picked = inputs.filter((i) => i.checked).map((i) => el.options[Number(i.value)]).map((o) => ({text: o.text, value: o.value, ...(o.description ? {description: o.description} : {})}));
    if (multiple) {
      keep({type: el.type, selected_options: picked});
      send({selected_options: picked});
    } else {
      keep({type: el.type, selected_option: picked[0] || null});
      send({selected_option: picked[0] || null});
    }
  });
  return wrap;
}

function dateTimeElement(el, ids, blockId, ctx, keep, send) {
  const isDate = el.type === "datepicker";
  const key = isDate ? "selected_date" : "selected_time";
  const state = elementState(el, blockId, ctx);
  const input = h("input", {type: isDate ? "date" : "time", class: "bk-input bk-datetime", value: state[key] || "",
    placeholder: plainOf(el.placeholder), title: plainOf(el.placeholder), ...ids});
  input.addEventListener("change", async () => {
    const value = input.value || null;
    if (el.confirm && !(await confirmDialog(el.confirm))) {
      input.value = state[key] || "";
      return;
    }
    keep({type: el.type, [key]: value});
    send({[key]: value});
  });
  return input;
}

function textInputElement(el, ids, blockId, ctx, keep, send, live) {
  const state = elementState(el, blockId, ctx);
  const kind = {number_input: "number", email_text_input: "email", url_text_input: "url"}[el.type] || "text";
  const input = el.multiline
    ? h("textarea", {class: "bk-input bk-textarea", rows: 4})
    : h("input", {type: kind, class: "bk-input"});
  Object.assign(input.dataset, {actionId: el.action_id, blockId});
  input.value = state.value ?? "";
  if (el.placeholder) input.placeholder = plainOf(el.placeholder);
  if (el.max_length) input.maxLength = el.max_length;
  if (el.type === "number_input") {
    if (!el.is_decimal_allowed) input.step = "1";
    if (el.min_value !== undefined) input.min = el.min_value;
    if (el.max_value !== undefined) input.max = el.max_value;
  }
  input.addEventListener("input", () => keep({type: el.type, value: input.value === "" ? null : input.value}));
  if (live) {
    // dispatch_action on a text input: Slack sends it on Enter (its default trigger).
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !el.multiline) {
        event.preventDefault();
        send({value: input.value === "" ? null : input.value});
      }
    });
  }
  return input;
}

function renderInput(block, blockId, ctx) {
  const element = block.element || {};
  const errors = ctx.view_id ? S.viewErrors[ctx.view_id] || {} : {};
  const error = errors[blockId];
  const label = h("div", {class: "input-label"}, textObject(block.label),
    block.optional ? h("span", {class: "input-optional"}, " (optional)") : null);
  const control = renderElement(element, blockId, ctx, {live: Boolean(block.dispatch_action)});
  return h("div", {class: `block block-input${error ? " has-error" : ""}`, "data-block-id": blockId, testid: `input-${blockId}`},
    h("label", {class: "input-label-wrap"}, label),
    control,
    error ? h("div", {class: "field-error", testid: `field-error-${blockId}`, role: "alert"}, error) : null,
    block.hint ? h("div", {class: "input-hint"}, textObject(block.hint)) : null);
}

/** What Slack itself checks before sending a form: required inputs filled, min_length respected. */
function clientErrors(view) {
  const errors = {};
  const values = collectValues(view);
  (view.blocks || []).forEach((block, index) => {
    if (block.type !== "input" || !block.element) return;
    const blockId = block.block_id || `block-${index}`;
    const state = values[blockId]?.[block.element.action_id];
    if (!state) return;
    const empty = state.value !== undefined ? !state.value
      : state.selected_options !== undefined ? state.selected_options.length === 0
      : !Object.entries(state).some(([key, value]) => key !== "type" && value);
    if (empty && !block.optional) errors[blockId] = "Please complete this required field.";
    else if (state.value && block.element.min_length && state.value.length < block.element.min_length) {
      errors[blockId] = `Please enter at least ${block.element.min_length} characters.`;
    }
  });
  return errors;
}

// ------------------------------------------------------------------------------------ actions

const ERROR_WORDS = {
  dispatch_failed: "pfp did not answer in time",
  expired_trigger_id: "the form could not open: pfp took too long to answer",
  server_unreachable: "the sandbox server does not answer",
};

function describeError(error) {
  return ERROR_WORDS[error] ? `${ERROR_WORDS[error]} (error “${error}”)` : `error “${error}”`;
}

async function sendAction(ctx, blockId, action) {
  const body = {person: S.person, container: ctx.container, block_id: blockId, action};
  if (ctx.container === "message") {
    body.channel = ctx.channel;
    body.message_ts = ctx.message_ts;
    if (ctx.is_ephemeral) body.is_ephemeral = true;
  } else {
    body.view_id = ctx.view_id;
    const view = ctx.container === "home" ? S.state.home : topView();
    if (view) body.state = collectValues(view); // Slack sends what is typed in the view with every action in it
  }
  const result = await post("/sandbox/action", body);
  if (!result.ok) showActionError(ctx, result.error || "unknown_error");
}

/** Slack's warning face where the action happened: under the message, at the top of the modal or Home. */
function showActionError(ctx, error) {
  const line = h("div", {class: "action-error", testid: "action-error", role: "alert"}, `⚠ That did not work: ${describeError(error)}.`);
  let host = null;
  if (ctx.container === "message") {
    host = document.querySelector(`[data-message-key="${cssEscape(ctx.message_ts)}"][data-channel="${cssEscape(ctx.channel)}"]`);
    host = host?.querySelector(".message-content");
  } else if (ctx.container === "view") {
    host = $('[data-testid="modal"] .modal-body');
    host?.prepend(line);
    return;
  } else {
    host = $('[data-testid="home"]');
  }
  host = host || $('[data-testid="composer-error"]');
  host.querySelectorAll(":scope > .action-error").forEach((n) => n.remove());
  host.append(line);
}

function cssEscape(value) {
  return window.CSS && CSS.escape ? CSS.escape(String(value)) : String(value).replace(/"/g, '\\"');
}

// ------------------------------------------------------------------------------- confirm dialog

/** Slack's confirm dialog for a button with `confirm`: resolves true only when confirmed. */
function confirmDialog(confirm) {
  return new Promise((resolve) => {
    const overlay = $('[data-testid="dialog-overlay"]');
    const done = (answer) => {
      overlay.hidden = true;
      overlay.replaceChildren();
      document.removeEventListener("keydown", onKey, true);
      resolve(answer);
    };
    const onKey = (event) => {
      if (event.key === "Escape") { event.stopPropagation(); done(false); }
    };
    const style = confirm.style === "danger" ? "button-danger" : "button-primary";
    const yes = h("button", {type: "button", class: `bk-button ${style}`, testid: "confirm-ok", onclick: () => done(true)}, plainOf(confirm.confirm) || "Yes");
    fill(overlay, h("div", {class: "dialog confirm-dialog", role: "alertdialog", "aria-modal": "true", testid: "confirm-dialog"},
      h("div", {class: "dialog-title"}, plainOf(confirm.title) || "Are you sure?"),
      h("div", {class: "dialog-text"}, textObject(confirm.text)),
      h("div", {class: "dialog-buttons"},
        h("button", {type: "button", class: "bk-button", testid: "confirm-cancel", onclick: () => done(false)}, plainOf(confirm.deny) || "Cancel"),
        yes)));
    overlay.hidden = false;
    document.addEventListener("keydown", onKey, true);
    yes.focus();
  });
}

// ---------------------------------------------------------------------- people and the sidebar

function renderPeople() {
  const select = $('[data-testid="person-switcher"]');
  const people = S.state.people || [];
  const signature = JSON.stringify([people, S.person]);
  if (select.dataset.signature !== signature) {
    select.dataset.signature = signature;
    fill(select, ...people.map((p) => h("option", {value: p.id, selected: p.id === S.person}, p.name)));
  }
  const person = currentPerson();
  const meta = $('[data-testid="person-meta"]');
  if (!person) { meta.textContent = ""; return; }
  fill(meta, 
    h("span", {title: "Language the bot uses for this person"}, `Language: ${languageName(person.locale)}`),
    h("span", {title: "This person's time zone"}, `Time zone: ${person.tz}`));
}

function languageName(locale) {
  try {
    const name = new Intl.DisplayNames(["en"], {type: "language"}).of(locale);
    return `${name} (${locale})`;
  } catch (err) {
    return locale || "?";
  }
}

function switchPerson(id) {
  if (id === S.person) return;
  S.person = id;
  S.thread = null;
  refreshNow();
}

function renderSidebar() {
  const list = $('[data-testid="sidebar-list"]');
  const channels = S.state.channels || [];
  const item = (testid, id, label, prefix, unread, extra) => h("button", {
    type: "button", class: `sidebar-item${S.selected === id ? " active" : ""}${unread ? " unread" : ""}`,
    testid, "data-channel-id": id, onclick: () => select(id),
  }, h("span", {class: "sidebar-prefix"}, prefix), h("span", {class: "sidebar-name"}, label), extra,
    unread ? h("span", {class: "badge", title: `${unread} new`}, String(unread)) : null);
  const dms = channels.filter(isDirect);
  let firstIm = true;
  fill(list, 
    item("home-tab", "home", "Home", "⌂", 0, h("span", {class: "sidebar-note"}, "pfp")),
    h("div", {class: "sidebar-section"}, "Channels"),
    channels.filter((c) => !isDirect(c)).map((c) => item(`channel-${c.id}`, c.id, c.name, "#", unreadCount(c.id))),
    h("div", {class: "sidebar-section"}, "Direct messages"),
    dms.map((c) => {
      // The DM with the bot is "dm-pfp"; a group DM (a match) keeps its channel id.
      const testid = c.is_im && firstIm ? "dm-pfp" : `channel-${c.id}`;
      if (c.is_im) firstIm = false;
      return item(testid, c.id, c.is_im ? "pfp" : c.name, c.is_im ? "●" : "◆", unreadCount(c.id),
        c.is_im ? h("span", {class: "app-badge"}, "APP") : null);
    }),
    dms.length ? null : h("div", {class: "sidebar-empty"}, "No direct messages yet"));
}

function select(id) {
  if (S.selected !== id) {
    S.thread = null;
    setComposerError("");
    // Opening the App Home is an event Slack sends the bot (app_home_opened); the bot then publishes it.
    if (id === "home") post("/sandbox/home", {person: S.person}).catch(() => {});
  }
  S.selected = id;
  remember();
  renderPane();
  renderSidebar();
  renderThread();
  if (id !== "home") $('[data-testid="composer"]').focus();
}

// ------------------------------------------------------------------------------- message pane

function renderPane() {
  const header = $('[data-testid="channel-header"]');
  const body = $('[data-testid="messages"]');
  const composer = $(".composer-area");
  if (S.selected === "home") {
    fill(header, h("span", {class: "header-app"}, "pfp"), h("span", {class: "app-badge"}, "APP"),
      h("span", {class: "header-tab"}, "Home"));
    composer.hidden = true;
    renderHome(body);
    return;
  }
  S.viewRendered.home = null;
  composer.hidden = false;
  const channel = channelsById().get(S.selected);
  if (!channel) {
    fill(header, "No channel");
    fill(body, h("div", {class: "empty"}, "This person is in no channel yet."));
    return;
  }
  fill(header, 
    channel.is_im ? [h("span", {class: "header-app"}, "pfp"), h("span", {class: "app-badge"}, "APP")]
      : h("span", {class: "header-channel"}, (channel.is_mpim ? "" : "# ") + channel.name),
    h("span", {class: "header-note"}, channel.is_im ? "Your direct messages with the bot" : channel.is_mpim ? "Group direct message" : ""));
  const composerBox = $('[data-testid="composer"]');
  composerBox.placeholder = channel.is_im ? "Message pfp — type / for its commands" : `Message #${channel.name} — type / for pfp's commands`;
  markSeen(channel.id);
  renderMessageList(body, channel.id, messagesFor(channel.id), true);
}

/** The channel's messages and this person's ephemeral ones, oldest first, as [key, kind, message]. */
function messagesFor(channelId) {
  const items = (S.state.messages?.[channelId] || []).map((m) => ({kind: "message", m}));
  for (const e of S.state.ephemerals || []) {
    if (e.channel === channelId && !e.thread_ts && !S.dismissed.has(e.ts)) items.push({kind: "ephemeral", m: e});
  }
  items.sort((a, b) => Number(a.m.ts) - Number(b.m.ts));
  return items;
}

/** Draws a list of messages, reusing the nodes of messages that did not change (so a menu
 *  half-chosen in one message is not reset when another arrives), with day separators. */
function renderMessageList(container, channelId, items, showThreads) {
  const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  const switched = container.dataset.channel !== channelId;
  container.dataset.channel = channelId;
  const old = new Map([...container.querySelectorAll(":scope > [data-message-key]")].map((n) => [`${n.dataset.kind}:${n.dataset.messageKey}`, n]));
  // What a message looks like also depends on names (mentions), the time zone and the person.
  const context = JSON.stringify([S.state.people, S.state.channels, S.person, showThreads]);
  const nodes = [];
  let lastDay = null;
  const tz = personZone();
  for (const {kind, m} of items) {
    const day = dayKey(tsDate(m.ts), tz);
    if (day !== lastDay) {
      nodes.push(h("div", {class: "day-divider"}, h("span", {}, formatDate(tsDate(m.ts), {weekday: "long", day: "numeric", month: "long", year: "numeric"}, tz))));
      lastDay = day;
    }
    const replies = showThreads ? (S.state.replies?.[channelId]?.[m.ts] || []) : [];
    const signature = JSON.stringify([m, replies.length, context]);
    const existing = old.get(`${kind}:${m.ts}`);
    if (existing && existing.dataset.signature === signature) {
      nodes.push(existing);
    } else {
      const node = renderMessage(m, channelId, kind === "ephemeral", showThreads ? replies : null);
      node.dataset.signature = signature;
      nodes.push(node);
    }
  }
  if (!nodes.length) nodes.push(h("div", {class: "empty"}, "No messages here yet. Type a slash command below, such as /pfp help."));
  fill(container, ...nodes);
  if (switched && container.dataset.startAtTop === "1") {
    container.scrollTop = 0;
    container.dataset.stuck = "0";
  } else if (switched || nearBottom) {
    container.dataset.stuck = "1";
    keepBottom(container);
  }
}

/** A list that is scrolled to its newest message stays there when it grows later (an image that
 *  fails to load and is replaced by its description, the thread panel narrowing the pane). */
function keepBottom(container) {
  if (container?.dataset.stuck !== "1") return;
  container.scrollTop = container.scrollHeight;
}

function followBottom(container) {
  container.addEventListener("scroll", () => {
    container.dataset.stuck = container.scrollHeight - container.scrollTop - container.clientHeight < 40 ? "1" : "0";
  });
  if (window.ResizeObserver) new ResizeObserver(() => keepBottom(container)).observe(container);
}

function avatar(message) {
  if (message.bot_id) return h("div", {class: "avatar avatar-bot", "aria-hidden": "true"}, "pfp");
  const person = peopleById().get(message.user);
  const name = person?.name || message.user || "?";
  const initials = ([...name.trim()][0] || "?").toUpperCase();
  // A colour of its own for each person, from their id, so the same person always looks the same.
  let hash = 0;
  for (const ch of String(message.user || name)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return h("div", {class: "avatar", style: `background: hsl(${hash % 360}deg 45% 42%)`, "aria-hidden": "true"}, initials);
}

function renderMessage(m, channelId, ephemeral, replies) {
  const person = peopleById().get(m.user);
  const isBot = Boolean(m.bot_id) || ephemeral; // Slack shows ephemeral messages as from the app
  const when = tsDate(m.ts);
  const header = h("div", {class: "message-header"},
    h("span", {class: "message-sender"}, isBot ? "pfp" : (person?.name || m.user || "someone")),
    isBot ? h("span", {class: "app-badge"}, "APP") : null,
    h("time", {class: "message-time", datetime: when.toISOString(), title: formatDate(when, {dateStyle: "full", timeStyle: "short"})},
      formatDate(when, {hour: "2-digit", minute: "2-digit"})),
    m.edited ? h("span", {class: "message-edited", testid: "edited"}, "(edited)") : null);
  const ctx = {container: "message", channel: channelId, message_ts: m.ts, is_ephemeral: ephemeral};
  const content = h("div", {class: "message-content"}, header,
    ephemeral ? h("div", {class: "ephemeral-note"}, "👁 Only visible to you",
      h("button", {type: "button", class: "link-button", testid: "ephemeral-dismiss", onclick: () => { S.dismissed.add(m.ts); renderPane(); renderThread(); }}, "Dismiss")) : null,
    m.blocks?.length ? renderBlocks(m.blocks, ctx) : h("div", {class: "message-text mrkdwn"}, mrkdwn(m.text || "")),
    renderFiles(m.files),
    replies && (replies.length || m.reply_count) ? threadLink(m, channelId, replies) : null);
  return h("div", {class: `message${ephemeral ? " ephemeral" : ""}`, testid: ephemeral ? "ephemeral" : "message",
    "data-message-key": m.ts, "data-kind": ephemeral ? "ephemeral" : "message", "data-channel": channelId, "data-ts": m.ts},
    avatar(isBot ? {bot_id: "pfp"} : m), content);
}

function renderFiles(files) {
  if (!files?.length) return null;
  return h("div", {class: "files"}, files.map((file) => {
    const name = file.name || file.title || file.id;
    const extension = (name.split(".").pop() || "").toUpperCase().slice(0, 4);
    return h("a", {class: "file", testid: `file-${file.id}`, "data-file-id": file.id, href: `/sandbox/files/${encodeURIComponent(file.id)}`, download: name},
      h("span", {class: "file-icon", "aria-hidden": "true"}, extension || "FILE"),
      h("span", {class: "file-text"}, h("span", {class: "file-title"}, file.title || name),
        h("span", {class: "file-name"}, `${name} — click to download`)));
  }));
}

function replyList(channelId, ts) {
  // Slack's conversations.replies starts with the parent; the server may or may not include it.
  return (S.state.replies?.[channelId]?.[ts] || []).filter((r) => r.ts !== ts);
}

function threadLink(m, channelId) {
  const count = m.reply_count ?? replyList(channelId, m.ts).length;
  return h("button", {type: "button", class: "thread-link", testid: "thread-link", "data-thread-ts": m.ts,
    onclick: () => { S.thread = {channel: channelId, ts: m.ts}; renderThread(); }},
    `${count} ${count === 1 ? "reply" : "replies"}`, h("span", {class: "thread-link-view"}, "View thread"));
}

function renderThread() {
  const panel = $('[data-testid="thread-panel"]');
  const thread = S.thread;
  const parent = thread && (S.state.messages?.[thread.channel] || []).find((m) => m.ts === thread.ts);
  if (!thread || !parent) {
    panel.hidden = true;
    panel.replaceChildren();
    return;
  }
  const channel = channelsById().get(thread.channel);
  const replies = replyList(thread.channel, thread.ts);
  const items = [{kind: "message", m: parent}, ...replies.map((m) => ({kind: "message", m}))];
  for (const e of S.state.ephemerals || []) {
    if (e.channel === thread.channel && e.thread_ts === thread.ts && !S.dismissed.has(e.ts)) items.push({kind: "ephemeral", m: e});
  }
  items.sort((a, b) => Number(a.m.ts) - Number(b.m.ts));
  let body = panel.querySelector(".thread-body");
  if (!body || panel.dataset.thread !== `${thread.channel}:${thread.ts}`) {
    panel.dataset.thread = `${thread.channel}:${thread.ts}`;
    // A thread opens at its first message, as in Slack.
    body = h("div", {class: "thread-body", "data-start-at-top": "1"});
    followBottom(body);
    fill(panel, 
      h("div", {class: "thread-header"}, h("span", {class: "thread-title"}, "Thread"),
        h("span", {class: "thread-channel"}, channel ? (channel.is_im ? "pfp" : `#${channel.name}`) : ""),
        h("button", {type: "button", class: "icon-button", testid: "thread-close", title: "Close the thread", "aria-label": "Close the thread",
          onclick: () => { S.thread = null; renderThread(); }}, "×")),
      body,
      h("div", {class: "thread-footer"}, "Replies here come from the bot; slash commands cannot be used in a thread."));
  }
  panel.hidden = false;
  renderMessageList(body, thread.channel, items, false);
  // Slack's line between the first message and its replies.
  const count = parent.reply_count ?? replies.length;
  const first = body.querySelector(`:scope > [data-message-key="${cssEscape(parent.ts)}"]`);
  if (first) first.after(h("div", {class: "replies-divider", testid: "replies-divider"}, h("span", {}, `${count} ${count === 1 ? "reply" : "replies"}`)));
}

// ----------------------------------------------------------------------------------- App Home

function renderHome(body) {
  const home = S.state.home;
  const signature = JSON.stringify([home, S.viewErrors[home?.id], S.state.people, S.state.channels]);
  if (body.dataset.channel === "home" && S.viewRendered.home === signature) return;
  S.viewRendered.home = signature;
  body.dataset.channel = "home";
  if (!home) {
    fill(body, h("div", {class: "empty", testid: "home"}, "pfp has not put anything on this person's Home tab yet."));
    return;
  }
  fill(body, h("div", {class: "home", testid: "home", "data-view-id": home.id},
    renderBlocks(home.blocks, {container: "home", view_id: home.id})));
}

// --------------------------------------------------------------------------------------- modal

function topView() {
  const views = S.state?.views || [];
  return views.length ? views[views.length - 1] : null;
}

/** Draws the top of the modal stack. An unchanged view is left alone (so focus and the cursor
 *  stay); a changed one is redrawn with what was typed in it kept, as Slack does on views.update. */
function renderModal() {
  const overlay = $('[data-testid="modal-overlay"]');
  const view = topView();
  forgetClosedViews();
  if (!view) {
    overlay.hidden = true;
    overlay.replaceChildren();
    delete overlay.dataset.viewId;
    S.viewRendered.modal = null;
    S.viewRendered.modalView = null;
    return;
  }
  const signature = JSON.stringify([view, S.viewErrors[view.id], (S.state.views || []).length]);
  if (S.viewRendered.modal === signature) {
    enableModal(true);
    return;
  }
  const scroll = $(".modal-body", overlay)?.scrollTop || 0;
  const sameView = overlay.dataset.viewId === view.id;
  const viewJson = JSON.stringify(view);
  // Errors belong to the form as it was submitted: a new view, or views.update, clears them.
  if (!sameView || S.viewRendered.modalView !== viewJson) delete S.viewErrors[view.id];
  S.viewRendered.modal = JSON.stringify([view, S.viewErrors[view.id], (S.state.views || []).length]);
  S.viewRendered.modalView = viewJson;
  overlay.dataset.viewId = view.id;
  fill(overlay, modalNode(view));
  overlay.hidden = false;
  if (sameView) $(".modal-body", overlay).scrollTop = scroll;
  else $(".modal-body input, .modal-body textarea, .modal-body select", overlay)?.focus();
}

/** Typed values of views no longer on the stack are dropped. */
function forgetClosedViews() {
  const open = new Set((S.state.views || []).map((v) => v.id));
  if (S.state.home) open.add(S.state.home.id);
  for (const id of Object.keys(S.viewValues)) if (!open.has(id)) delete S.viewValues[id];
  for (const id of Object.keys(S.viewErrors)) if (!open.has(id)) delete S.viewErrors[id];
}

function modalNode(view) {
  const depth = (S.state.views || []).length;
  const ctx = {container: "view", view_id: view.id};
  const errors = S.viewErrors[view.id] || {};
  // Errors for a block that is not an input of the view: Slack would refuse them; shown here for developers.
  const stray = Object.keys(errors).filter((id) => !(view.blocks || []).some((b, i) => b.type === "input" && (b.block_id || `block-${i}`) === id));
  return h("div", {class: "modal", role: "dialog", "aria-modal": "true", testid: "modal", "data-view-id": view.id, "data-callback-id": view.callback_id || ""},
    h("div", {class: "modal-header"},
      depth > 1 ? h("button", {type: "button", class: "icon-button modal-back", testid: "modal-back", title: "Back to the previous form", "aria-label": "Back",
        onclick: () => closeView(view, false)}, "‹") : null,
      h("div", {class: "modal-app-icon", "aria-hidden": "true"}, "pfp"),
      h("div", {class: "modal-title", testid: "modal-title"}, plainOf(view.title)),
      h("button", {type: "button", class: "icon-button", testid: "modal-x", title: "Close", "aria-label": "Close", onclick: () => closeView(view, true)}, "×")),
    h("div", {class: "modal-body"},
      stray.map((id) => h("div", {class: "action-error", testid: `field-error-${id}`}, `⚠ Error for “${id}”, which is not a field of this form: ${errors[id]}`)),
      renderBlocks(view.blocks, ctx)),
    h("div", {class: "modal-footer"},
      h("button", {type: "button", class: "bk-button", testid: "modal-close", onclick: () => closeView(view, false)}, plainOf(view.close) || "Cancel"),
      view.submit ? h("button", {type: "button", class: "bk-button button-primary", testid: "modal-submit", onclick: () => submitView(view)}, plainOf(view.submit)) : null));
}

function enableModal(enabled) {
  if (!enabled) {
    document.querySelectorAll('[data-testid="modal"] .modal-footer button, [data-testid="modal"] .modal-header button').forEach((b) => { b.disabled = true; });
    return;
  }
  if (S.awaitingState) return;
  document.querySelectorAll('[data-testid="modal"] button').forEach((b) => { b.disabled = false; });
}

async function submitView(view) {
  const local = clientErrors(view);
  if (Object.keys(local).length) {
    S.viewErrors[view.id] = local;
    S.viewRendered.modal = null;
    renderModal();
    showFirstError();
    return;
  }
  delete S.viewErrors[view.id];
  enableModal(false);
  const submit = $('[data-testid="modal-submit"]');
  if (submit) submit.textContent = "Sending…";
  const before = S.version;
  const result = await post("/sandbox/submit", {person: S.person, view_id: view.id, values: collectValues(view)});
  if (result.ok && result.response_action === "errors") {
    // The form stays as it is, with what was typed; each error goes under its field.
    S.viewErrors[view.id] = result.errors || {};
    S.viewRendered.modal = null;
    renderModal();
    showFirstError();
    return;
  }
  if (!result.ok) {
    S.viewRendered.modal = null;
    renderModal();
    showActionError({container: "view"}, result.error || "unknown_error");
    $('[data-testid="modal"] .action-error').textContent = `⚠ We had some trouble connecting. Try again? — ${describeError(result.error || "unknown_error")}.`;
    return;
  }
  if (S.version === before) waitForState(); // else the new state is already drawn
}

function showFirstError() {
  $('[data-testid="modal"] [data-testid^="field-error-"]')?.scrollIntoView({block: "center"});
}

/** Closes the view (Cancel, Back) or the whole stack (×, as Slack's × clears every stacked view). */
async function closeView(view, all) {
  enableModal(false);
  const stack = all ? [...(S.state.views || [])].reverse() : [view];
  const before = S.version;
  let failed = null;
  for (const v of stack) {
    const result = await post("/sandbox/close", {person: S.person, view_id: v.id});
    if (!result.ok) { failed = failed || result.error; if (v === stack[0]) break; }
  }
  if (failed && stack.length === 1) {
    S.viewRendered.modal = null;
    renderModal();
    showActionError({container: "view"}, failed);
    return;
  }
  if (S.version === before) waitForState();
}

/** After a submit or a close, the server's next state tells what the modal is now. */
function waitForState() {
  S.awaitingState = true;
  setTimeout(() => {
    if (!S.awaitingState) return;
    S.awaitingState = false;
    S.viewRendered.modal = null;
    renderModal();
  }, 8000);
}

// ------------------------------------------------------------------------------------ composer

function commands() {
  return S.state?.commands || [];
}

function composerEl() {
  return $('[data-testid="composer"]');
}

/** The popup of commands while the first word is being typed, and the usage hint after it. */
function updateSuggestions() {
  const text = composerEl().value;
  const popup = $('[data-testid="command-suggestions"]');
  const hint = $('[data-testid="composer-hint"]');
  const mention = mentionQuery();
  if (mention) {
    showMentionSuggestions(mention);
    hint.hidden = true;
    return;
  }
  const first = /^\/(\S*)$/.exec(text);
  if (first) {
    const typed = `/${first[1]}`.toLowerCase();
    const items = commands().filter((c) => c.command.toLowerCase().startsWith(typed));
    S.suggestion = {kind: "command", items, index: Math.min(S.suggestion.index, Math.max(items.length - 1, 0))};
    drawSuggestions(popup, items.map((c) => h("div", {class: "suggestion-main"},
      h("span", {class: "suggestion-command"}, c.command),
      c.usage_hint ? h("span", {class: "suggestion-usage"}, c.usage_hint) : null,
      h("div", {class: "suggestion-description"}, c.description || ""))), items.map((c) => c.command));
    hint.hidden = true;
    return;
  }
  closeSuggestions();
  const withArgs = /^(\/\S+)\s/.exec(text);
  const command = withArgs && commands().find((c) => c.command === withArgs[1]);
  hint.hidden = !command;
  if (command) {
    fill(hint, h("span", {class: "suggestion-command"}, command.command), " ",
      command.usage_hint ? h("span", {class: "suggestion-usage"}, command.usage_hint) : "", command.description ? ` — ${command.description}` : "");
  }
}

function drawSuggestions(popup, rows, values) {
  if (!rows.length) { closeSuggestions(); return; }
  fill(popup, h("div", {class: "suggestion-title"}, S.suggestion.kind === "mention" ? "People" : "Commands of pfp — Tab or Enter to choose"),
    rows.map((row, i) => h("div", {class: `suggestion${i === S.suggestion.index ? " active" : ""}`, role: "option", testid: "command-suggestion",
      "data-value": values[i], "aria-selected": String(i === S.suggestion.index),
      onmousedown: (event) => { event.preventDefault(); S.suggestion.index = i; completeSuggestion(); }}, row)));
  popup.hidden = false;
}

function closeSuggestions() {
  const popup = $('[data-testid="command-suggestions"]');
  popup.hidden = true;
  popup.replaceChildren();
  S.suggestion = {items: [], index: 0};
}

function suggestionsOpen() {
  return !$('[data-testid="command-suggestions"]').hidden && S.suggestion.items.length > 0;
}

function completeSuggestion() {
  const box = composerEl();
  const item = S.suggestion.items[S.suggestion.index];
  if (!item) return;
  if (S.suggestion.kind === "mention") {
    const query = mentionQuery();
    const before = box.value.slice(0, query.start);
    const after = box.value.slice(box.selectionStart);
    box.value = `${before}@${item.name} ${after}`;
    const caret = before.length + item.name.length + 2;
    box.setSelectionRange(caret, caret);
  } else {
    box.value = `${item.command} `;
  }
  closeSuggestions();
  updateSuggestions();
  box.focus();
}

/** "@So" just before the cursor, in a command's text: people are suggested as in Slack. */
function mentionQuery() {
  const box = composerEl();
  if (!box.value.startsWith("/") || !/\s/.test(box.value)) return null;
  const before = box.value.slice(0, box.selectionStart);
  const match = /(^|\s)@([^\s@]*)$/.exec(before);
  return match ? {start: before.length - match[2].length - 1, query: match[2].toLowerCase()} : null;
}

function showMentionSuggestions(mention) {
  // Names that start with what was typed come first, then those with a word that does.
  const rank = (p) => {
    const name = p.name.toLowerCase();
    if (name.startsWith(mention.query)) return 0;
    return name.split(/[\s(),]+/).some((w) => w.startsWith(mention.query)) ? 1 : 2;
  };
  const items = (S.state?.people || []).filter((p) => p.name.toLowerCase().includes(mention.query))
    .map((p) => [rank(p), p]).sort((a, b) => a[0] - b[0]).map(([, p]) => p).slice(0, 8);
  S.suggestion = {kind: "mention", items, index: Math.min(S.suggestion.kind === "mention" ? S.suggestion.index : 0, Math.max(items.length - 1, 0))};
  drawSuggestions($('[data-testid="command-suggestions"]'),
    items.map((p) => h("div", {class: "suggestion-main"}, h("span", {class: "suggestion-command"}, `@${p.name}`), h("span", {class: "suggestion-usage"}, p.id))),
    items.map((p) => p.id));
}

/** The manifest's commands have should_escape: Slack sends a mention as <@U123|name>. Here a
 *  person's full name after "@" (as the suggestions insert it) becomes that, longest names first. */
function escapeMentions(text) {
  const people = [...(S.state?.people || [])].sort((a, b) => b.name.length - a.name.length);
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "@" && (i === 0 || /\s/.test(text[i - 1]))) {
      const person = people.find((p) => text.startsWith(p.name, i + 1)) || people.find((p) => text.startsWith(p.id, i + 1));
      if (person) {
        const matched = text.startsWith(person.name, i + 1) ? person.name : person.id;
        out += `<@${person.id}|${person.name.split(/\s+/)[0].toLowerCase()}>`;
        i += matched.length;
        continue;
      }
    }
    if (text[i] === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      const channel = (S.state?.channels || []).find((c) => !isDirect(c) && new RegExp(`^${c.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`).test(text.slice(i + 1)));
      if (channel) {
        out += `<#${channel.id}|${channel.name}>`;
        i += channel.name.length;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

function setComposerError(text) {
  $('[data-testid="composer-error"]').textContent = text || "";
}

function setComposerStatus(text) {
  $('[data-testid="composer-status"]').textContent = text || "";
}

async function sendComposer() {
  const box = composerEl();
  const raw = box.value.trim();
  if (!raw) return;
  setComposerError("");
  const match = /^(\/\S+)(?:\s+([\s\S]*))?$/.exec(raw);
  if (!match) {
    // There is no endpoint for plain messages: only the bot's commands reach it.
    setComposerError("In the sandbox only slash commands reach the bot; plain messages are not sent. Type / to see pfp's commands.");
    return;
  }
  const [, command, rest = ""] = match;
  if (!commands().some((c) => c.command === command)) {
    setComposerError(`${command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`);
    return;
  }
  const channel = S.selected;
  box.value = "";
  autosize();
  updateSuggestions();
  setComposerStatus(`Sent ${command}${rest ? " " + rest : ""} — waiting for pfp…`);
  const result = await post("/sandbox/command", {person: S.person, channel, command, text: escapeMentions(rest.trim())});
  setComposerStatus("");
  if (!result.ok) {
    const error = result.error || "unknown_error";
    // Slack's own words for a command that failed, then plain ones for what it means.
    if (error === "expired_trigger_id") setComposerError(`${command} failed: the form could not open, because pfp took too long to answer (error "expired_trigger_id"). Try again.`);
    else if (error === "server_unreachable") setComposerError(`${command} failed: the sandbox server does not answer.`);
    else setComposerError(`${command} failed with the error "${error}"`);
    box.value = box.value || raw; // the command is given back, to try again
    autosize();
  }
  // A successful command's answer arrives with the next state (the server adds it to ephemerals).
}

function autosize() {
  const box = composerEl();
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight, 200)}px`;
}

function onComposerKey(event) {
  if (suggestionsOpen()) {
    const count = S.suggestion.items.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      S.suggestion.index = (S.suggestion.index + (event.key === "ArrowDown" ? 1 : count - 1)) % count;
      updateSuggestions();
      return;
    }
    if (event.key === "Tab" || (event.key === "Enter" && !event.shiftKey)) {
      event.preventDefault();
      completeSuggestion();
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      closeSuggestions();
      return;
    }
  }
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendComposer();
  }
}

// ---------------------------------------------------------------------------------------- clock

function renderClock() {
  const now = new Date(S.state.now);
  if (Number.isNaN(now.getTime())) return;
  $('[data-testid="clock-now"]').textContent = formatDate(now, {weekday: "short", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"}, "UTC");
  const person = currentPerson();
  $('[data-testid="clock-local"]').textContent = person
    ? `${firstName(person.name)}'s local time: ${formatDate(now, {weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"}, personZone())}`
    : "";
  const dateInput = $('[data-testid="clock-date"]');
  if (!dateInput.value || dateInput.dataset.auto === "1") {
    dateInput.value = now.toISOString().slice(0, 10);
    dateInput.dataset.auto = "1";
  }
}

function firstName(name) {
  return String(name).split(/[\s(]/)[0];
}

async function moveClock(body, button) {
  const error = $('[data-testid="clock-error"]');
  error.textContent = "";
  button.disabled = true;
  const result = await post("/sandbox/clock", body);
  button.disabled = false;
  if (!result.ok) {
    error.textContent = `The clock did not move: ${describeError(result.error || "unknown_error")}`;
    return;
  }
  if (result.now && S.state) {
    S.state.now = result.now; // shown at once; reminders that fell due arrive with the next state
    $('[data-testid="clock-date"]').dataset.auto = "1";
    renderClock();
  }
}

// ----------------------------------------------------------------------------- adding a person

// Time zones offered first: Geneva (the ISU), and those of the demo's States and donors.
const COMMON_ZONES = ["Europe/Zurich", "Asia/Phnom_Penh", "America/Bogota", "Africa/Kinshasa", "Asia/Kabul", "Europe/Kyiv",
  "Africa/Luanda", "Asia/Bangkok", "Europe/Paris", "Europe/Oslo", "America/New_York", "Asia/Tokyo", "UTC"];

function openAddPerson() {
  const overlay = $('[data-testid="dialog-overlay"]');
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : COMMON_ZONES;
  const name = h("input", {type: "text", class: "bk-input", testid: "add-person-name", placeholder: "e.g. Amina (Senegal, delegate)", maxlength: 80});
  const locale = h("select", {class: "bk-select", testid: "add-person-locale"},
    [["en-US", "English"], ["fr-FR", "French (français)"], ["es-ES", "Spanish (español)"]].map(([v, l]) => h("option", {value: v}, l)));
  const tz = h("input", {type: "text", class: "bk-input", testid: "add-person-tz", value: "Europe/Zurich", list: "tz-list"});
  const error = h("div", {class: "field-error", testid: "add-person-error"});
  const close = () => { overlay.hidden = true; overlay.replaceChildren(); };
  const save = async () => {
    error.textContent = "";
    if (!name.value.trim()) { error.textContent = "Please give a name."; return; }
    if (validZone(tz.value.trim()) !== tz.value.trim()) { error.textContent = "This is not a time zone: choose one from the list, e.g. Europe/Zurich."; return; }
    const result = await post("/sandbox/people", {name: name.value.trim(), locale: locale.value, tz: tz.value.trim()});
    if (!result.ok) { error.textContent = `The person was not added: ${describeError(result.error || "unknown_error")}`; return; }
    close();
    if (result.id) switchPerson(result.id);
  };
  fill(overlay, h("div", {class: "dialog", role: "dialog", "aria-modal": "true", testid: "add-person-dialog"},
    h("div", {class: "dialog-title"}, "Add a person to the sandbox"),
    h("label", {class: "dialog-field"}, h("span", {class: "input-label"}, "Name, as others will see it"), name),
    h("label", {class: "dialog-field"}, h("span", {class: "input-label"}, "Language of their Slack"), locale),
    h("label", {class: "dialog-field"}, h("span", {class: "input-label"}, "Time zone"), tz,
      h("datalist", {id: "tz-list"}, [...new Set([...COMMON_ZONES, ...zones])].map((z) => h("option", {value: z})))),
    h("div", {class: "input-hint"}, "The new person starts unregistered: as them, try /pfp register. To make someone ISU staff, act as an ISU officer and use /pfp admin grant @name isu."),
    error,
    h("div", {class: "dialog-buttons"},
      h("button", {type: "button", class: "bk-button", testid: "add-person-cancel", onclick: close}, "Cancel"),
      h("button", {type: "button", class: "bk-button button-primary", testid: "add-person-save", onclick: save}, "Add"))));
  overlay.hidden = false;
  name.focus();
}

// ----------------------------------------------------------------------------------------- boot

function boot() {
  $('[data-testid="person-switcher"]').addEventListener("change", (event) => switchPerson(event.target.value));
  $('[data-testid="add-person"]').addEventListener("click", openAddPerson);
  const box = composerEl();
  box.addEventListener("keydown", onComposerKey);
  box.addEventListener("input", () => { autosize(); updateSuggestions(); setComposerError(""); });
  box.addEventListener("click", updateSuggestions);
  box.addEventListener("blur", () => setTimeout(closeSuggestions, 150));
  $('[data-testid="composer-send"]').addEventListener("click", sendComposer);
  document.querySelectorAll("[data-days]").forEach((button) => {
    button.addEventListener("click", () => moveClock({days: Number(button.dataset.days)}, button));
  });
  const dateInput = $('[data-testid="clock-date"]');
  dateInput.addEventListener("input", () => { dateInput.dataset.auto = "0"; });
  $('[data-testid="clock-go-to"]').addEventListener("click", (event) => {
    if (dateInput.value) moveClock({date: dateInput.value}, event.currentTarget);
  });
  document.addEventListener("click", closeMenus);
  document.addEventListener("keydown", (event) => {
    // Escape closes the top modal, as in Slack (a confirm dialog, if open, takes it first).
    if (event.key === "Escape" && !$('[data-testid="dialog-overlay"]').hidden) {
      $('[data-testid="dialog-overlay"]').hidden = true;
      $('[data-testid="dialog-overlay"]').replaceChildren();
    } else if (event.key === "Escape" && topView() && !S.awaitingState && document.activeElement !== composerEl()) {
      closeView(topView(), false);
    }
  });
  window.addEventListener("hashchange", () => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (id && id !== S.selected && S.state) select(id);
  });
  followBottom($('[data-testid="messages"]'));
  pollLoop();
}

document.addEventListener("DOMContentLoaded", boot);
