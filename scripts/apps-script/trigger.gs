/**
 * DXまなびナビ: スプレッドシートが変わったら、GitHub Actions の publish ワークフローを起動します。
 * Starts the publish workflow (workflow_dispatch) when the sheet changes: an
 * installable on-change trigger, debounced so a burst of edits starts at most
 * one run now and one more when the burst is over.
 *
 * Set-up (docs/maintainers/publishing.md): paste this file into the sheet's
 * Apps Script project (拡張機能 → Apps Script), set the Script Properties
 * below, then run installTrigger() once.
 *
 * Script Properties (プロジェクトの設定 → スクリプト プロパティ):
 *   GITHUB_REPOSITORY  owner/name of the repository
 *   GITHUB_TOKEN       fine-grained token: this repository only, permission "Actions: Read and write" only
 *   GITHUB_REF         branch to run on (default: main)
 *   GITHUB_API         API base (default: https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3)
 *   WORKFLOW_FILE      workflow file name (default: publish.yml)
 *   QUIET_MINUTES      at most one run started per this many minutes (default: 5)
 *
 * Anyone who can edit this script can read the token. The workflow also runs
 * every 15 minutes on its own, so without this trigger the site still follows
 * the sheet, only later.
 */

var HANDLER = 'onSheetChange';
var FOLLOW_UP = 'dispatchFollowUp';
var DEFAULTS = {
  GITHUB_REF: 'main',
  GITHUB_API: 'https://api.github.com',
  WORKFLOW_FILE: 'publish.yml',
  QUIET_MINUTES: '5',
};

/** Run once by hand: (re)installs the on-change trigger for this spreadsheet. */
function installTrigger() {
  settings_(); // fail now, with a clear message, if a property is missing
  ScriptApp.getProjectTriggers().forEach(function (trigger) {
    var handler = trigger.getHandlerFunction();
    if (handler === HANDLER || handler === FOLLOW_UP) ScriptApp.deleteTrigger(trigger);
  });
  ScriptApp.newTrigger(HANDLER).forSpreadsheet(SpreadsheetApp.getActive()).onChange().create();
  PropertiesService.getScriptProperties().deleteProperty('FOLLOW_UP_AT');
  console.log('変更時トリガーを設定しました。');
}

/** The installable on-change trigger. */
function onSheetChange(e) {
  if (e && e.changeType === 'FORMAT') return; // colours and widths do not change the site
  withLock_(function (props, now, quietMs) {
    var decision = debounce_(now, Number(props.getProperty('LAST_DISPATCH') || 0),
      Number(props.getProperty('FOLLOW_UP_AT') || 0), quietMs);
    if (decision.dispatch) {
      dispatch_();
      props.setProperty('LAST_DISPATCH', String(now));
    } else if (decision.followUpAt) {
      ScriptApp.newTrigger(FOLLOW_UP).timeBased().after(decision.followUpAt - now).create();
      props.setProperty('FOLLOW_UP_AT', String(decision.followUpAt));
    }
  });
}

/** The one-off follow-up after a burst of edits: the run sees the burst's last edit. */
function dispatchFollowUp() {
  withLock_(function (props, now) {
    ScriptApp.getProjectTriggers().forEach(function (trigger) {
      if (trigger.getHandlerFunction() === FOLLOW_UP) ScriptApp.deleteTrigger(trigger);
    });
    props.deleteProperty('FOLLOW_UP_AT');
    dispatch_();
    props.setProperty('LAST_DISPATCH', String(now));
  });
}

/**
 * What to do for a change at `now` (ms), given the last dispatch and any
 * planned follow-up: dispatch now when the last one was at least `quietMs`
 * ago; otherwise plan one follow-up at the end of the quiet period, unless
 * one is already planned. Pure, so it can be tested outside Apps Script.
 */
function debounce_(now, lastDispatch, followUpAt, quietMs) {
  if (now - lastDispatch >= quietMs) return { dispatch: true, followUpAt: 0 };
  if (followUpAt > now) return { dispatch: false, followUpAt: 0 };
  // A time-based trigger cannot run sooner than about a minute from now.
  return { dispatch: false, followUpAt: Math.max(lastDispatch + quietMs, now + 60 * 1000) };
}

function withLock_(work) {
  var lock = LockService.getScriptLock();
  if (!lock.tryLock(30 * 1000)) return; // another change is being handled; it covers this one
  try {
    var props = PropertiesService.getScriptProperties();
    var quietMs = Number(settings_().quietMinutes) * 60 * 1000;
    work(props, Date.now(), quietMs);
  } finally {
    lock.releaseLock();
  }
}

function settings_() {
  var props = PropertiesService.getScriptProperties();
  function get(name) {
    var value = props.getProperty(name) || DEFAULTS[name];
    if (!value) throw new Error('スクリプト プロパティ ' + name + ' を設定してください。');
    return value;
  }
  var settings = {
    repository: get('GITHUB_REPOSITORY'),
    token: get('GITHUB_TOKEN'),
    ref: get('GITHUB_REF'),
    api: get('GITHUB_API').replace(/\/+$/, ''),
    workflow: get('WORKFLOW_FILE'),
    quietMinutes: get('QUIET_MINUTES'),
  };
  if (!/^[\w.-]+\/[\w.-]+$/.test(settings.repository)) {
    throw new Error('GITHUB_REPOSITORY は owner/name の形で設定してください。');
  }
  if (!/^\d+$/.test(settings.quietMinutes)) {
    throw new Error('QUIET_MINUTES は分の数（例: 5）で設定してください。');
  }
  return settings;
}

/** POST /repos/{owner}/{repo}/actions/workflows/{file}/dispatches; answers 204 when accepted. */
function dispatch_() {
  var s = settings_();
  var url = s.api + '/repos/' + s.repository + '/actions/workflows/' +
    encodeURIComponent(s.workflow) + '/dispatches';
  var response = UrlFetchApp.fetch(url, {
    method: 'post',
    contentType: 'application/json',
    headers: {
      Authorization: 'Bearer ' + s.token,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
    },
    payload: JSON.stringify({ ref: s.ref }),
    muteHttpExceptions: true,
  });
  var code = response.getResponseCode();
  if (code !== 204) {
    // Never log the token or the request: only the status and GitHub's message.
    var message = '';
    try {
      message = JSON.parse(response.getContentText()).message || '';
    } catch (ignored) {
      message = '';
    }
    throw new Error('ワークフローを起動できませんでした（HTTP ' + code + ' ' + message + '）。' +
      'トークンの期限と権限（Actions: Read and write）を確かめてください。');
  }
  console.log('ワークフローを起動しました: ' + s.repository + ' ' + s.workflow + ' @ ' + s.ref);
}
