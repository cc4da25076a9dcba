// metrotrace console, part two: the record pages people expect
// (instrument, standard, institution, certificate), the sentences of trace
// checks and problems composed in zh or en from their findings, and the
// table that sorts, filters and pages. Plain JavaScript on the helpers
// app.js shares as window.MT; text from the API is inserted as text.
(function () {
  'use strict';

  var MT = window.MT;
  var h = MT.h, T = MT.T, badge = MT.badge, idLink = MT.idLink, enc = MT.enc;

  // ---- labels of the second wave's fields ------------------------------------------

  Object.assign(MT.FIELD_LABEL, {
    location: ['所在地', 'location'], district: ['区县', 'district'], address: ['地址', 'address'],
    category: ['强检目录类别', 'category'], interval_months: ['检定周期（月）', 'interval (months)'],
    registered_on: ['登记日期', 'registered on'], identifications: ['标识', 'identifications'], issuer: ['标识方', 'issuer'],
    description: ['说明', 'description'], previous_dcc_sha256: ['前一版 DCC SHA-256', 'previous DCC SHA-256'],
    finding: ['发现', 'finding'], standard_id: ['计量标准', 'standard'], opened_on: ['立案日期', 'opened on'],
    min: ['下限', 'min'], max: ['上限', 'max'], k: ['包含因子 k', 'k']
  });
  MT.VALUE_LABEL.doc_type = {institution: '机构', capability: '校准测量能力', standard: '计量标准', instrument: '计量器具',
    certificate: '检定/校准证书', comparison: '比对', agreement: '互认协议', signing_certificate: 'DCC 签名证书', 'case': '超差案件'};
  // The catalogue's names come with the vocabulary.
  Object.defineProperty(MT.VALUE_LABEL, 'category', {enumerable: true, get: function () {
    var m = {};
    (MT.vocab().categories || []).forEach(function (c) { m[c.code] = c.zh; });
    return m;
  }});
  MT.VALUE_LABEL_EN_OF.category = function () {
    var m = {};
    (MT.vocab().categories || []).forEach(function (c) { m[c.code] = c.en; });
    return m;
  };
  Object.defineProperty(MT.VALUE_LABEL, 'district', {enumerable: true, get: function () {
    var m = {}, d = MT.vocab().districts || {};
    Object.keys(d).forEach(function (k) { m[k] = k + ' ' + d[k]; });
    return m;
  }});

  // ---- findings: a check's detail in the console's language -------------------

  // Parameter values are record data: marked while a sentence is built,
  // then set apart as <span class="data"> (ids, names and reasons stay as
  // stored).
  var OPEN = '\u0001', CLOSE = '\u0002';
  function unmark(v) { return String(v || '').replace(/[\u0001\u0002]/g, ''); }
  // val names an enum value of a finding's parameters in the language.
  function val(key, v) {
    v = unmark(v);
    if (!v) return '';
    if (key === 'level') return MT.levelLabel(v);
    return MT.valueLabel(key, v);
  }
  function q(p, k) { return p[k] || ''; }
  // FINDINGS composes each finding code's sentence: [zh, en] from its params.
  var FINDINGS = {
    no_certificate: function (p) { return [p.subject_id + ' 在 ' + p.date + ' 前没有检定/校准证书', p.subject_id + ' has no certificate performed on or before ' + p.date]; },
    certificate_valid: function (p) { return ['证书 ' + p.certificate_id + ' 有效期 ' + p.performed_on + ' 至 ' + p.valid_until + '，核查日期 ' + p.date, 'certificate ' + p.certificate_id + ' valid ' + p.performed_on + ' to ' + p.valid_until + ', checked ' + p.date]; },
    certificate_revoked: function (p) { return ['证书 ' + p.certificate_id + ' 已撤销（' + q(p, 'reason') + '），须有效之日 ' + p.date, 'certificate ' + p.certificate_id + ' revoked (' + q(p, 'reason') + '), needed ' + p.date]; },
    certificate_superseded: function (p) { return ['证书 ' + p.certificate_id + ' 已被 ' + q(p, 'superseded_by') + ' 替代，须有效之日 ' + p.date, 'certificate ' + p.certificate_id + ' superseded by ' + q(p, 'superseded_by') + ', needed ' + p.date]; },
    certificate_expired: function (p) { return ['证书 ' + p.certificate_id + ' 已于 ' + p.valid_until + ' 过期，须有效之日 ' + p.date, 'certificate ' + p.certificate_id + ' expired ' + p.valid_until + ', needed ' + p.date]; },
    certificate_not_yet: function (p) { return ['证书 ' + p.certificate_id + ' 于 ' + p.performed_on + ' 出具，晚于 ' + p.date, 'certificate ' + p.certificate_id + ' performed ' + p.performed_on + ', after ' + p.date]; },
    reference_missing: function (p) { return p.reference_id ? ['参考标准 ' + p.reference_id + ' 不存在', 'reference ' + p.reference_id + ' does not exist'] : ['有参考标准不存在', 'a reference standard does not exist']; },
    reference_active: function (p) { return ['参考标准 ' + p.reference_id + ' 于 ' + p.used_on + ' 在用', 'reference ' + p.reference_id + ' active on ' + p.used_on]; },
    reference_sealed: function (p) { return ['参考标准 ' + p.reference_id + ' 自 ' + p.since + ' 起' + val('status', 'sealed') + '（' + q(p, 'reason') + '），却于 ' + p.used_on + ' 被使用', 'reference ' + p.reference_id + ' was sealed since ' + p.since + ' (' + q(p, 'reason') + '), used ' + p.used_on]; },
    reference_revoked: function (p) { return ['参考标准 ' + p.reference_id + ' 自 ' + p.since + ' 起' + val('status', 'revoked') + '（' + q(p, 'reason') + '），却于 ' + p.used_on + ' 被使用', 'reference ' + p.reference_id + ' was revoked since ' + p.since + ' (' + q(p, 'reason') + '), used ' + p.used_on]; },
    reference_primary: function (p) { return ['参考标准 ' + p.reference_id + ' 为计量基准', 'reference ' + p.reference_id + ' is a primary standard']; },
    reference_uncertified: function (p) { return ['参考标准 ' + p.reference_id + ' 没有任何证书（为根，见“溯源至计量基准”）', 'reference ' + p.reference_id + ' has no certificate at all (a root: see reaches_primary)']; },
    reference_certificate_valid: function (p) { return ['参考标准 ' + p.reference_id + ' 的证书 ' + p.certificate_id + ' 有效期 ' + p.performed_on + ' 至 ' + p.valid_until + '，使用日期 ' + p.used_on, 'reference ' + p.reference_id + ' certificate ' + p.certificate_id + ' valid ' + p.performed_on + ' to ' + p.valid_until + ', used ' + p.used_on]; },
    reference_certificate_later: function (p) { return ['参考标准 ' + p.reference_id + ' 在 ' + p.used_on + ' 前没有证书（最早的 ' + p.certificate_id + ' 出具于 ' + p.performed_on + '）', 'reference ' + p.reference_id + ' had no certificate by ' + p.used_on + ' (first ' + p.certificate_id + ' performed ' + p.performed_on + ')']; },
    reference_certificate_revoked: function (p) { return ['参考标准 ' + p.reference_id + ' 的证书 ' + p.certificate_id + ' 已撤销（' + q(p, 'reason') + '），使用日期 ' + p.used_on, 'reference ' + p.reference_id + ' certificate ' + p.certificate_id + ' revoked (' + q(p, 'reason') + '), used ' + p.used_on]; },
    reference_certificate_superseded: function (p) { return ['参考标准 ' + p.reference_id + ' 的证书 ' + p.certificate_id + ' 已被替代（' + q(p, 'reason') + '），使用日期 ' + p.used_on, 'reference ' + p.reference_id + ' certificate ' + p.certificate_id + ' superseded (' + q(p, 'reason') + '), used ' + p.used_on]; },
    reference_certificate_expired: function (p) { return ['参考标准 ' + p.reference_id + ' 的证书 ' + p.certificate_id + ' 已于 ' + p.valid_until + ' 过期，却于 ' + p.used_on + ' 被使用', 'reference ' + p.reference_id + ' certificate ' + p.certificate_id + ' expired ' + p.valid_until + ', used ' + p.used_on]; },
    approval_valid: function (p) { return ['参考标准 ' + p.reference_id + ' 的考核证书 ' + p.number + ' 有效期至 ' + p.valid_until + '，使用日期 ' + p.used_on, 'reference ' + p.reference_id + ' approval ' + p.number + ' valid until ' + p.valid_until + ', used ' + p.used_on]; },
    approval_expired: function (p) { return ['参考标准 ' + p.reference_id + ' 的考核证书 ' + p.number + ' 已于 ' + p.valid_until + ' 过期，却于 ' + p.used_on + ' 被使用', 'reference ' + p.reference_id + ' approval ' + p.number + ' expired ' + p.valid_until + ', used ' + p.used_on]; },
    approval_missing: function (p) { return ['参考标准 ' + p.reference_id + '（' + val('level', p.level) + '计量标准）没有考核证书', 'reference ' + p.reference_id + ' (' + val('level', p.level) + ' standard) has no approval']; },
    approval_not_needed: function (p) { return ['参考标准 ' + p.reference_id + ' 为' + val('level', p.level) + '计量标准，无需考核证书', 'reference ' + p.reference_id + ' is a ' + val('level', p.level) + ' standard: no approval needed']; },
    no_cmc: function (p) { return ['出具机构 ' + p.issuer_id + ' 在 ' + p.date + ' 没有有效的' + val('quantity', p.quantity) + '校准测量能力', 'issuer ' + p.issuer_id + ' has no CMC for ' + val('quantity', p.quantity) + ' valid on ' + p.date]; },
    cmc_covers: function (p) { return ['出具机构 ' + p.issuer_id + ' 的校准测量能力 ' + p.capability_id + ' 于 ' + p.date + ' 覆盖' + val('quantity', p.quantity), 'issuer ' + p.issuer_id + ' CMC ' + p.capability_id + ' covers ' + val('quantity', p.quantity) + ' on ' + p.date]; },
    result_within_cmc: function (p) { return ['结果 ' + p.value + ' ' + p.unit + ' 在校准测量能力 ' + p.capability_id + ' ' + p.range + '，' + p.uncertainty + ' 之内', 'result ' + p.value + ' ' + p.unit + ' within CMC ' + p.capability_id + ' ' + p.range + ', ' + p.uncertainty]; },
    result_not_covered: function (p) {
      var why = reasonsOf(p).map(function (r) { var say = COVER[unmark(r.reason)]; return say ? say(r) : null; });
      if (!why.length || why.some(function (x) { return x === null; })) return null;
      return ['证书 ' + p.certificate_id + ' 的结果 ' + p.value + ' ' + p.unit + ' 不在出具机构的校准测量能力之内：' + why.map(function (x) { return x[0]; }).join('；'),
        'result ' + p.value + ' ' + p.unit + ' of ' + p.certificate_id + ': ' + why.map(function (x) { return x[1]; }).join('; ')];
    },
    subject_no_mpe: function (p) { return ['被检对象 ' + p.subject_id + ' 没有最大允许误差，无法检定', 'subject ' + p.subject_id + ' has no MPE to verify against']; },
    units_incompatible: function (p) {
      var from = p.from + (unmark(p.from_measures) ? T('（' + val('quantity', p.from_measures) + '）', ' (' + val('quantity', p.from_measures) + ')') : '');
      var to = p.to + (unmark(p.to_measures) ? T('（' + val('quantity', p.to_measures) + '）', ' (' + val('quantity', p.to_measures) + ')') : '');
      switch (unmark(p.of)) {
        case 'reference_mpe': return ['参考标准 ' + p.reference_id + ' 的不确定度无法与 ' + p.subject_id + ' 的最大允许误差比较：单位 ' + from + ' 无法换算为 ' + to,
          'reference ' + p.reference_id + ' uncertainty vs MPE of ' + p.subject_id + ': unit ' + from + ' cannot be converted to ' + to];
        case 'result': return ['结果 ' + p.value + ' ' + p.unit + ' 的不确定度：单位 ' + from + ' 无法换算为 ' + to,
          'result ' + p.value + ' ' + p.unit + ' uncertainty: unit ' + from + ' cannot be converted to ' + to];
        case 'reference_result': return ['参考标准 ' + p.reference_id + ' 的不确定度无法与结果 ' + p.value + ' ' + p.unit + ' 比较：单位 ' + from + ' 无法换算为 ' + to,
          'reference ' + p.reference_id + ' uncertainty vs result ' + p.value + ' ' + p.unit + ': unit ' + from + ' cannot be converted to ' + to];
      }
      return null;
    },
    verification_ratio: function (p, ok) { return ['参考标准 ' + p.reference_id + ' 的 U = ' + p.u + ' ' + p.unit + '，' + p.subject_id + ' 的 MPE/3 = ' + p.limit + ' ' + p.unit + '（比值 ' + p.ratio + (ok ? ' ≤ 1/3）' : ' > 1/3）'), 'reference ' + p.reference_id + ' U = ' + p.u + ' ' + p.unit + ' vs MPE/3 = ' + p.limit + ' ' + p.unit + ' of ' + p.subject_id + ' (ratio ' + p.ratio + (ok ? ' <= 1/3)' : ' > 1/3)')]; },
    calibration_ratio: function (p, ok) { return ['参考标准 ' + p.reference_id + ' 的 U = ' + p.u + ' ' + p.unit + '，结果 ' + p.value + ' ' + p.unit + ' 的 U = ' + p.stated + ' ' + p.unit + (ok ? '' : '（参考标准不优于结果）'), 'reference ' + p.reference_id + ' U = ' + p.u + ' ' + p.unit + ' vs result ' + p.value + ' ' + p.unit + ' U = ' + p.stated + ' ' + p.unit + (ok ? '' : ' (reference not better than result)')]; },
    reference_on_path: function (p) { return ['参考标准 ' + p.reference_id + ' 已在溯源路径上：' + p.path, 'reference ' + p.reference_id + ' is already on the path ' + p.path]; },
    reference_not_on_path: function (p) { return ['参考标准 ' + p.reference_id + ' 不在溯源路径上', 'reference ' + p.reference_id + ' not on the path']; },
    reference_reaches_primary: function (p) { return ['参考标准 ' + p.reference_id + ' 可溯源至计量基准', 'reference ' + p.reference_id + ' reaches a primary standard']; },
    reference_dead_end: function (p) { return ['参考标准 ' + p.reference_id + '（' + val('level', p.level) + '计量标准）无法溯源至计量基准', 'reference ' + p.reference_id + ' (' + val('level', p.level) + ' standard) does not lead to a primary standard']; },
    all_on_cycle: function () { return ['全部参考标准都在循环上（见“无循环溯源”）', 'every reference is on a cycle (see no_cycle)']; },
    no_reference: function () { return ['没有参考标准', 'no reference standard']; },
    no_agreement: function (p) { return [p.issuer_id + ' 与 ' + p.by + ' 之间没有互认协议', 'no agreement between ' + p.issuer_id + ' and ' + p.by]; },
    agreement_in_force: function (p) { return ['互认协议 ' + p.agreement_id + '（' + p.parties + '）于 ' + p.date + ' 有效，覆盖' + val('quantity', p.quantity), 'agreement ' + p.agreement_id + ' between ' + p.parties + ' in force on ' + p.date + ', covers ' + val('quantity', p.quantity)]; },
    agreement_not_covering: function (p) { return ['互认协议 ' + p.agreement_id + ' 不覆盖' + val('quantity', p.quantity) + '（覆盖 ' + p.covers + '）', 'agreement ' + p.agreement_id + ' does not cover ' + val('quantity', p.quantity) + ' (covers ' + p.covers + ')']; },
    agreement_not_approved: function (p) { return ['互认协议 ' + p.agreement_id + ' 尚待 ' + p.missing + ' 批准', 'agreement ' + p.agreement_id + ' not approved by ' + p.missing]; },
    agreement_not_valid: function (p) { return ['互认协议 ' + p.agreement_id + ' 有效期 ' + p.valid_from + ' 至 ' + p.valid_until + '，证书出具于 ' + p.performed_on, 'agreement ' + p.agreement_id + ' valid ' + p.valid_from + ' to ' + p.valid_until + ', certificate performed ' + p.performed_on]; },
    accreditation_not_required: function (p) { return ['互认协议 ' + p.agreement_id + ' 不要求认可', 'agreement ' + p.agreement_id + ' does not require accreditation']; },
    accredited: function (p) { return [p.issuer_id + ' 获 ' + p.scheme + ' 认可 ' + p.number + '（' + val('quantity', p.quantity) + '），有效期至 ' + p.valid_until, p.issuer_id + ' accredited ' + p.scheme + ' ' + p.number + ' for ' + val('quantity', p.quantity) + ' until ' + p.valid_until]; },
    not_accredited: function (p) { return [p.issuer_id + ' 在 ' + p.date + ' 没有有效的' + val('quantity', p.quantity) + '认可', p.issuer_id + ' holds no accreditation for ' + val('quantity', p.quantity) + ' valid on ' + p.date]; },
    comparison_not_required: function (p) { return ['互认协议 ' + p.agreement_id + ' 不要求比对', 'agreement ' + p.agreement_id + ' requires no comparison']; },
    comparison_en: function (p, ok) { return ['比对 ' + p.comparison_id + ' 完成于 ' + p.completed_on + '：En = ' + p.en + (ok ? '（|En| ≤ 1）' : '（|En| > 1）'), 'comparison ' + p.comparison_id + ' completed ' + p.completed_on + ': En = ' + p.en + (ok ? ' (|En| <= 1)' : ' (|En| > 1)')]; },
    comparison_too_old: function (p) { return [p.issuer_id + ' 最近一次' + val('quantity', p.quantity) + '比对 ' + p.comparison_id + ' 完成于 ' + p.completed_on + '，早于 ' + p.performed_on + ' 前 ' + p.years + ' 年', 'latest ' + val('quantity', p.quantity) + ' comparison of ' + p.issuer_id + ', ' + p.comparison_id + ' completed ' + p.completed_on + ', is more than ' + p.years + ' years before ' + p.performed_on]; },
    no_comparison: function (p) { return [p.issuer_id + ' 在 ' + p.date + ' 前未参加' + val('quantity', p.quantity) + '比对', p.issuer_id + ' took part in no ' + val('quantity', p.quantity) + ' comparison completed by ' + p.date]; },
    subject_traceable: function (p) { return ['被校对象 ' + p.subject_id + ' 于 ' + p.date + ' 经 ' + p.links + ' 个环节可溯源', 'subject ' + p.subject_id + ' traceable on ' + p.date + ' through ' + p.links + ' links']; },
    subject_not_traceable: function (p) { return ['被校对象 ' + p.subject_id + ' 于 ' + p.date + ' 不可溯源', 'subject ' + p.subject_id + ' not traceable on ' + p.date]; }
  };
  // reasonsOf lists the numbered parameters of a result_not_covered
  // finding ("reason.0", "capability_id.0", ...), one object a CMC tried.
  function reasonsOf(p) {
    var n = +unmark(p.reasons) || 0, out = [];
    for (var i = 0; i < n; i++) out.push({});
    Object.keys(p).forEach(function (k) {
      var m = /^(.+)\.([0-9]+)$/.exec(k);
      if (m && +m[2] < n) out[+m[2]][m[1]] = p[k];
    });
    return out;
  }
  // COVER says why a CMC does not cover a result ([zh, en]), by reason code.
  var COVER = {
    outside_range: function (r) { return ['超出校准测量能力 ' + r.capability_id + ' 的测量范围 ' + r.range, 'outside CMC ' + r.capability_id + ' range ' + r.range]; },
    below_cmc: function (r) { return ['声明的 U = ' + r.stated + ' ' + r.unit + ' 小于校准测量能力 ' + r.capability_id + ' 的最佳 U = ' + r.best + ' ' + r.unit,
      'stated U = ' + r.stated + ' ' + r.unit + ' is smaller than CMC ' + r.capability_id + ' best U = ' + r.best + ' ' + r.unit]; },
    range_units: function (r) { return ['结果的单位 ' + r.from + ' 无法换算为校准测量能力 ' + r.capability_id + ' 测量范围的单位 ' + r.to,
      'CMC ' + r.capability_id + ': unit ' + r.from + ' cannot be converted to its range unit ' + r.to]; },
    cmc_uncertainty_units: function (r) { return ['校准测量能力 ' + r.capability_id + ' 的不确定度单位 ' + r.from + ' 无法换算为 ' + r.to,
      'CMC ' + r.capability_id + ': uncertainty unit ' + r.from + ' cannot be converted to ' + r.to]; },
    result_uncertainty_units: function (r) { return ['结果不确定度的单位 ' + r.from + ' 无法换算为 ' + r.to, 'result uncertainty: unit ' + r.from + ' cannot be converted to ' + r.to]; }
  };
  // sayFinding is one finding in the language, or null for a code (or a
  // reason code) this console does not know (the caller falls back to the
  // English detail).
  function sayFinding(f) {
    var say = FINDINGS[f.code];
    if (!say) return null;
    var marked = {};
    Object.keys(f.params || {}).forEach(function (k) { marked[k] = OPEN + f.params[k] + CLOSE; });
    var s = say(marked, f.ok);
    return s ? T(s[0], s[1]) : null;
  }
  // sayFindings is the sentence of a check's findings as nodes, or its
  // English detail when a finding is unknown here.
  function sayFindings(findings, detail) {
    if (!findings || !findings.length) return detail || '';
    var parts = findings.map(sayFinding);
    if (parts.some(function (x) { return x === null; })) return detail || '';
    var text = parts.join(T('；', '; '));
    var nodes = [], re = /\u0001([^\u0002]*)\u0002/g, at = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > at) nodes.push(text.slice(at, m.index));
      nodes.push(h('span', {class: 'data'}, m[1]));
      at = re.lastIndex;
    }
    if (at < text.length) nodes.push(text.slice(at));
    return nodes;
  }
  MT.sayCheck = function (c) { return sayFindings(c.findings, c.detail); };
  // sayProblem is a problem of a trace: record, check and its findings.
  MT.sayProblem = function (p) {
    return [h('span', {class: 'mono'}, p.record_id), T('：', ': '), h('b', {}, MT.checkLabel(p.check)), ' ', h('code', {}, p.check), T('：', ': '),
      h('span', {class: 'detail'}, sayFindings(p.findings, p.detail))];
  };

  // ---- tables: sort, filter, page, with totals -----------------------------------

  // table shows rows with columns [{key, zh, en, render(row), sort(row)}]:
  // a click on a heading sorts by it, the filter keeps rows whose text
  // contains it, and pages of opts.pageSize (20) say where they are of how
  // many. opts.total is the server's total when rows are not all of them.
  function table(opts) {
    var cols = opts.columns, size = opts.pageSize || 20;
    var state = {sort: opts.sort || null, dir: opts.dir || 1, filter: '', page: 0};
    var wrap = h('div', {class: 'mt-table', id: opts.id, 'data-total': opts.total !== undefined ? opts.total : opts.rows.length});
    var input = h('input', {type: 'search', class: 'mt-filter', placeholder: T('筛选…', 'Filter…'), 'aria-label': T('筛选', 'Filter')});
    var info = h('span', {class: 'mt-info'});
    var prev = h('button', {type: 'button', class: 'ghost small mt-prev'}, T('‹ 上一页', '‹ Previous'));
    var next = h('button', {type: 'button', class: 'ghost small mt-next'}, T('下一页 ›', 'Next ›'));
    var thead = h('thead', {}), tbody = h('tbody', {});
    var text = function (row) {
      return cols.map(function (c) { var v = c.sort ? c.sort(row) : row[c.key]; return v === undefined || v === null ? '' : String(v); }).join(' ').toLowerCase();
    };
    function draw() {
      var rows = opts.rows.slice();
      if (state.filter) {
        var f = state.filter.toLowerCase();
        rows = rows.filter(function (r) { return text(r).indexOf(f) >= 0; });
      }
      if (state.sort) {
        var col = cols.filter(function (c) { return c.key === state.sort; })[0];
        var key = col && col.sort ? col.sort : function (r) { return r[state.sort]; };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          x = x === undefined || x === null ? '' : x; y = y === undefined || y === null ? '' : y;
          if (typeof x === 'number' && typeof y === 'number') return (x - y) * state.dir;
          return String(x).localeCompare(String(y)) * state.dir;
        });
      }
      var pages = Math.max(1, Math.ceil(rows.length / size));
      state.page = Math.min(state.page, pages - 1);
      var from = state.page * size, shown = rows.slice(from, from + size);
      MT.clear(thead).appendChild(h('tr', {}, cols.map(function (c) {
        var sorted = state.sort === c.key;
        return h('th', {'data-key': c.key, class: 'sortable', 'aria-sort': sorted ? (state.dir > 0 ? 'ascending' : 'descending') : 'none',
          onclick: function () {
            if (state.sort === c.key) state.dir = -state.dir; else { state.sort = c.key; state.dir = 1; }
            draw();
          }}, T(c.zh, c.en), sorted ? (state.dir > 0 ? ' ▲' : ' ▼') : '');
      })));
      MT.clear(tbody);
      shown.forEach(function (r) {
        tbody.appendChild(h('tr', {'data-id': opts.rowId ? opts.rowId(r) : (r.id || '')}, cols.map(function (c) {
          return h('td', {'data-key': c.key}, c.render ? c.render(r) : MT.renderValue(c.key, r[c.key]));
        })));
      });
      if (!shown.length) tbody.appendChild(h('tr', {class: 'empty-row'}, h('td', {colspan: cols.length, class: 'empty'}, T('无', 'none'))));
      wrap.setAttribute('data-shown', shown.length);
      wrap.setAttribute('data-matching', rows.length);
      var total = opts.total !== undefined ? opts.total : opts.rows.length;
      var s = rows.length ? (from + 1) + '–' + (from + shown.length) : '0';
      MT.show(info, T('第 ' + s + ' 条，', 'rows ' + s + ' of ') + (state.filter ? T('筛选后 ' + rows.length + ' 条，', rows.length + ' matching, ') : '') +
        T('共 ' + total + ' 条', total + ' in all'));
      if (opts.total !== undefined && opts.total > opts.rows.length) {
        info.appendChild(h('span', {class: 'muted'}, T('（已载入 ' + opts.rows.length + ' 条）', ' (' + opts.rows.length + ' loaded)')));
      }
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }
    input.addEventListener('input', function () { state.filter = input.value.trim(); state.page = 0; draw(); });
    prev.addEventListener('click', function () { state.page--; draw(); });
    next.addEventListener('click', function () { state.page++; draw(); });
    wrap.appendChild(h('div', {class: 'mt-toolbar'}, input, info, h('span', {class: 'mt-pager'}, prev, next)));
    wrap.appendChild(h('div', {class: 'mt-scroll'}, h('table', {}, thead, tbody)));
    draw();
    return wrap;
  }
  MT.table = table;

  // listAll reads a list of the API (records), up to max records; it
  // resolves to {records, more}.
  function listAll(path, max) {
    max = max || 1000;
    var out = [];
    function page(token) {
      var size = Math.min(1000, max - out.length);
      return MT.api('GET', path + (path.indexOf('?') < 0 ? '?' : '&') + 'page_size=' + size + (token ? '&page_token=' + enc(token) : '')).then(function (p) {
        out = out.concat(p.records || []);
        if (p.next_page_token && out.length < max) return page(p.next_page_token);
        return {records: out, more: !!p.next_page_token};
      });
    }
    return page('');
  }
  MT.listAll = listAll;

  // ---- dates --------------------------------------------------------------------

  function addMonths(date, months) {
    var d = new Date(date + 'T00:00:00Z');
    var day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    var last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
    return d.toISOString().slice(0, 10);
  }
  function daysBetween(a, b) { return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000); }
  MT.daysBetween = daysBetween;

  // statusOn is a standard's status on a date, from its status history.
  function statusOn(s, date) {
    var st = {status: 'active', since: '', reason: ''};
    (s.status_history || []).forEach(function (c) { if (c.since <= date) st = c; });
    if (!(s.status_history || []).length && s.status && s.status !== 'active' && s.status_since && s.status_since <= date) {
      st = {status: s.status, since: s.status_since, reason: s.status_reason};
    }
    return st;
  }

  // ---- panels shared by the record pages -------------------------------------------

  function panel(id, zh, en, body, count) {
    return h('div', {class: 'panel', id: id}, h('h2', {}, MT.bi(zh, en), count !== undefined ? h('span', {class: 'count'}, String(count)) : null), body);
  }
  function pending(id, zh, en) { return panel(id, zh, en, MT.loading('读取中', 'Loading')); }
  // fillPanel replaces a pending panel's body once its data arrived.
  function fillPanel(el, zh, en, body, count) {
    MT.show(el, h('h2', {}, MT.bi(zh, en), count !== undefined ? h('span', {class: 'count'}, String(count)) : null), body);
    el.setAttribute('data-loaded', 'true');
  }
  function failPanel(el, zh, en, e) { MT.show(el, h('h2', {}, MT.bi(zh, en)), MT.errorBox(e)); el.setAttribute('data-loaded', 'true'); }
  function statusBadge(st) { return badge(MT.valueLabel('status', st || ''), st === 'valid' || st === 'active' ? 'ok' : (st === 'superseded' ? 'warn' : 'bad')); }
  // extras places the record's extra panels: top ones (what matters
  // first) under its heading, the others after its fields, before its
  // history.
  function extras(out, top, bottom) {
    var head = out.querySelector('.record-head'), history = out.querySelector('#record-history');
    var after = head ? head.nextSibling : out.firstChild;
    (top || []).forEach(function (p) { if (p) out.insertBefore(p, after); });
    (bottom || []).forEach(function (p) { if (p) out.insertBefore(p, history); });
  }
  function date(v) { return v ? String(v).slice(0, 10) : h('span', {class: 'muted'}, '—'); }

  var certColumns = function (withSubject, withRefs) {
    var cols = [
      {key: 'id', zh: '证书编号', en: 'Certificate', render: function (c) { return idLink('certificates', c.id); }},
      {key: 'kind', zh: '类别', en: 'Kind', render: function (c) { return MT.valueLabel('kind', c.kind); }},
      {key: 'issuer_id', zh: '出具机构', en: 'Issuer', render: function (c) { return idLink('institutions', c.issuer_id); }}];
    if (withSubject) cols.push({key: 'subject_id', zh: '被检/被校对象', en: 'Subject', render: function (c) { return idLink('subjects', c.subject_id); }});
    if (withRefs) cols.push({key: 'reference_ids', zh: '所用计量标准', en: 'References', sort: function (c) { return (c.reference_ids || []).join(' '); },
      render: function (c) { return (c.reference_ids || []).map(function (x, i) { return [i ? ', ' : '', idLink('standards', x)]; }); }});
    cols.push(
      {key: 'performed_on', zh: '检定/校准日期', en: 'Performed on', render: function (c) { return date(c.performed_on); }},
      {key: 'valid_until', zh: '有效期至', en: 'Valid until', render: function (c) { return date(c.valid_until); }},
      {key: 'conformity', zh: '结论', en: 'Conformity', render: function (c) { return c.conformity ? MT.renderValue('conformity', c.conformity) : '—'; }},
      {key: 'status', zh: '状态', en: 'Status', render: function (c) { return statusBadge(c.status); }});
    return cols;
  };

  // traceVerdict shows today's trace verdict of a subject in a panel and
  // resolves to the gateway's today (the trace's default date).
  function traceVerdict(el, id) {
    return MT.api('GET', '/trace/' + enc(id)).then(function (rep) {
      var failed = (rep.problem_details || []).length;
      fillPanel(el, '今日溯源结论', 'Trace verdict today', h('div', {class: 'verdict-line', 'data-verdict': rep.traceable ? 'traceable' : 'not-traceable', 'data-at': rep.at},
        rep.traceable ? badge(T('✓ 可溯源', '✓ traceable'), 'ok') : badge(T('✗ 不可溯源', '✗ not traceable'), 'bad'), ' ',
        T('溯源日期 ', 'on '), h('b', {}, rep.at), ' · ', (rep.links || []).length, T(' 个环节', ' links'),
        failed ? [' · ', h('span', {class: 'bad-text'}, failed + T(' 个问题', ' problems'))] : null, ' ',
        h('a', {class: 'button', href: '#/trace/' + enc(id)}, T('查看溯源链 →', 'See the chain →'))));
      return rep.at;
    });
  }

  // ---- instrument ---------------------------------------------------------------------

  // dueOf is an instrument's next due date: its latest valid verification's
  // valid_until, or that verification's performed_on + interval when
  // earlier; a compulsory instrument never verified is due since its
  // registration.
  function dueOf(ins, certs, today) {
    var ver = certs.filter(function (c) { return c.kind === 'verification' && c.status === 'valid' && c.performed_on <= today; })
      .sort(function (a, b) { return a.performed_on < b.performed_on ? 1 : -1; })[0];
    if (!ver) return ins.compulsory ? {due: ins.registered_on || '', never: true} : null;
    var due = ver.valid_until;
    if (ins.interval_months) { var byInterval = addMonths(ver.performed_on, ins.interval_months); if (byInterval < due) due = byInterval; }
    return {due: due, certificate: ver.id};
  }

  MT.recordExtras.instruments = function (ins, out, n) {
    var verdict = pending('instrument-verdict', '今日溯源结论', 'Trace verdict today');
    var current = pending('instrument-current', '当前证书与下次检定', 'Current certificate and next due date');
    var history = pending('instrument-calibrations', '检定/校准历史', 'Calibration history');
    var owner = pending('instrument-owner', '所有者信息', 'Owner details');
    extras(out, [verdict, current], [history, owner]);
    var todayP = traceVerdict(verdict, ins.id).catch(function (e) { failPanel(verdict, '今日溯源结论', 'Trace verdict today', e); return null; });
    var certsP = listAll('/certificates?subject=' + enc(ins.id));
    Promise.all([todayP, certsP]).then(function (got) {
      if (!MT.current(n)) return;
      var today = got[0] || new Date().toISOString().slice(0, 10), certs = got[1].records;
      fillPanel(history, '检定/校准历史', 'Calibration history',
        table({id: 'instrument-calibrations-table', columns: certColumns(false, true), rows: certs, sort: 'performed_on', dir: -1}), certs.length);
      var now = certs.filter(function (c) { return c.status === 'valid' && c.performed_on <= today && today <= c.valid_until; })
        .sort(function (a, b) { return a.performed_on < b.performed_on ? 1 : -1; })[0];
      var due = dueOf(ins, certs, today);
      var rows = [];
      rows.push(h('tr', {'data-field': 'current_certificate'}, h('th', {}, T('当前有效证书', 'Current certificate')),
        h('td', {}, now ? [idLink('certificates', now.id), ' · ', MT.valueLabel('kind', now.kind), ' · ', now.performed_on, T(' 至 ', ' to '), now.valid_until]
          : badge(T('今日无有效证书', 'none valid today'), 'bad'))));
      var dueCell;
      if (!due) dueCell = h('span', {class: 'muted'}, T('非强制检定，无检定周期', 'not under compulsory verification'));
      else {
        var left = due.due ? daysBetween(today, due.due) : 0;
        var state = due.never ? 'overdue' : (left < 0 ? 'overdue' : (left <= 30 ? 'due-soon' : 'ok'));
        dueCell = h('span', {'data-due': due.due, 'data-state': state},
          h('b', {}, due.due || '—'), ' ',
          due.never ? badge(T('从未检定，自登记起超期', 'never verified: overdue since registration'), 'bad')
            : (left < 0 ? badge(T('已超期 ' + (-left) + ' 天', 'overdue by ' + (-left) + ' days'), 'bad')
              : badge(T('还有 ' + left + ' 天', 'in ' + left + ' days'), left <= 30 ? 'warn' : 'ok')),
          ins.interval_months ? h('span', {class: 'muted'}, T(' · 检定周期 ' + ins.interval_months + ' 个月', ' · interval ' + ins.interval_months + ' months')) : null);
      }
      rows.push(h('tr', {'data-field': 'due_on'}, h('th', {}, T('下次检定日期', 'Next due date')), h('td', {}, dueCell)));
      if (ins.location) {
        var dn = (MT.vocab().districts || {})[ins.location.district];
        rows.push(h('tr', {'data-field': 'location'}, h('th', {}, T('所在地', 'Location')), h('td', {}, h('span', {class: 'mono'}, ins.location.district), dn ? ' ' + dn : '', ins.location.address ? ' · ' + ins.location.address : '')));
      }
      fillPanel(current, '当前证书与下次检定', 'Current certificate and next due date', h('table', {class: 'fields'}, h('tbody', {}, rows)));
    }).catch(function (e) { if (MT.current(n)) { failPanel(history, '检定/校准历史', 'Calibration history', e); failPanel(current, '当前证书与下次检定', 'Current certificate and next due date', e); } });
    MT.api('GET', '/instruments/' + enc(ins.id) + '/owner').then(function (o) {
      if (!MT.current(n)) return;
      fillPanel(owner, '所有者信息', 'Owner details', h('div', {'data-owner': 'shown'}, MT.fieldsTable(o, ['id', 'doc_type', 'instrument_id'])));
    }).catch(function (e) {
      if (!MT.current(n)) return;
      if (e.status === 403 || e.status === 404) {
        fillPanel(owner, '所有者信息', 'Owner details', h('div', {class: 'hint', 'data-owner': e.status === 403 ? 'private' : 'none'},
          e.status === 403 ? T('所有者信息为登记机构所在组织的私有数据，只有该组织的用户可见。', 'Owner details are private to the registering institution\'s organization: only its users see them.')
            : T('未登记所有者信息。', 'No owner details were recorded.')));
      } else failPanel(owner, '所有者信息', 'Owner details', e);
    });
  };

  // ---- standard -----------------------------------------------------------------------

  MT.recordExtras.standards = function (s, out, n) {
    var status = pending('standard-status', '状态与考核', 'Status and approval');
    var own = pending('standard-certificates', '本标准的证书', 'Its certificates');
    var used = pending('standard-calibrated', '用本标准检定/校准的', 'What it calibrated');
    extras(out, [status], [own, used]);
    var head = out.querySelector('.record-head .actions');
    if (head && s.status !== 'active' && s.status_since) {
      var impact = head.querySelector('a[href^="#/impact/"]');
      if (impact) { impact.setAttribute('href', '#/impact/' + enc(s.id) + '?since=' + enc(s.status_since)); impact.setAttribute('data-since', s.status_since); }
    }
    var todayP = MT.api('GET', '/trace/' + enc(s.id)).then(function (r) { return r.at; }, function () { return new Date().toISOString().slice(0, 10); });
    Promise.all([todayP, MT.api('GET', '/standards/' + enc(s.id) + '/history').catch(function () { return {versions: []}; })]).then(function (got) {
      if (!MT.current(n)) return;
      var today = got[0], versions = got[1].versions || [];
      // The ledger's registration time is when the record was written, not
      // a status date (a change may be recorded with an earlier since).
      var written = versions.length ? MT.fmtTime(versions[0].timestamp) : '';
      var timeline = [{status: 'active', since: '', reason: T('登记', 'registered') + (written ? T('（上链 ' + written + '）', ' (written ' + written + ')') : '')}].concat(s.status_history || []);
      var rows = timeline.map(function (c, i) {
        return h('li', {'data-status': c.status, class: i === timeline.length - 1 ? 'now' : ''}, h('b', {}, c.since || '—'), ' ', statusBadge(c.status), ' ', h('span', {}, c.reason || ''));
      });
      var ap = s.approval, apCell;
      if (!ap) apCell = s.level === 'primary' || s.level === 'working' ? h('span', {class: 'muted'}, T('无需考核证书', 'no approval needed')) : badge(T('无考核证书', 'no approval'), 'bad');
      else {
        var left = daysBetween(today, ap.valid_until);
        apCell = h('span', {'data-approval': left < 0 ? 'expired' : (left <= 30 ? 'expiring' : 'valid')}, h('span', {class: 'mono'}, ap.number), T(' 有效期至 ', ' valid until '), h('b', {}, ap.valid_until), ' ',
          left < 0 ? badge(T('已过期 ' + (-left) + ' 天', 'expired ' + (-left) + ' days ago'), 'bad') : badge(T('还有 ' + left + ' 天', left + ' days left'), left <= 30 ? 'warn' : 'ok'));
      }
      var impactHref = '#/impact/' + enc(s.id) + (s.status !== 'active' && s.status_since ? '?since=' + enc(s.status_since) : '');
      fillPanel(status, '状态与考核', 'Status and approval', [
        h('table', {class: 'fields'}, h('tbody', {},
          h('tr', {'data-field': 'status_now'}, h('th', {}, T('当前状态', 'Status')), h('td', {}, statusBadge(s.status), s.status_since ? T(' 自 ', ' since ') + s.status_since : '')),
          h('tr', {'data-field': 'approval_validity'}, h('th', {}, T('计量标准考核证书', 'Approval')), h('td', {}, apCell)))),
        h('h3', {}, T('状态时间线', 'Status timeline')), h('ol', {class: 'timeline', id: 'standard-timeline'}, rows),
        h('a', {class: 'button', id: 'standard-impact', href: impactHref}, s.status !== 'active' ? T('影响分析（自' + MT.valueLabel('status', s.status) + '之日 ' + s.status_since + '）→', 'Impact since it was ' + s.status + ' on ' + s.status_since + ' →') : T('影响分析 →', 'Impact →'))]);
    });
    listAll('/certificates?subject=' + enc(s.id)).then(function (got) {
      if (!MT.current(n)) return;
      fillPanel(own, '本标准的证书', 'Its certificates', table({id: 'standard-certificates-table', columns: certColumns(false, true), rows: got.records, sort: 'performed_on', dir: -1}), got.records.length);
    }).catch(function (e) { if (MT.current(n)) failPanel(own, '本标准的证书', 'Its certificates', e); });
    listAll('/certificates?reference=' + enc(s.id)).then(function (got) {
      if (!MT.current(n)) return;
      var cols = certColumns(true, false);
      cols.splice(4, 0, {key: 'used_when', zh: '使用时本标准', en: 'This standard then', sort: function (c) { return statusOn(s, c.performed_on).status; },
        render: function (c) { var st = statusOn(s, c.performed_on); return st.status === 'active' ? badge(MT.valueLabel('status', 'active'), 'ok') : badge(MT.valueLabel('status', st.status) + T('中使用', ' when used'), 'bad'); }});
      fillPanel(used, '用本标准检定/校准的', 'What it calibrated', table({id: 'standard-calibrated-table', columns: cols, rows: got.records, sort: 'performed_on', dir: -1}), got.records.length);
    }).catch(function (e) { if (MT.current(n)) failPanel(used, '用本标准检定/校准的', 'What it calibrated', e); });
  };

  // ---- institution ----------------------------------------------------------------------

  MT.recordExtras.institutions = function (inst, out, n) {
    var acc = panel('institution-accreditations', '认可', 'Accreditations', table({id: 'institution-accreditations-table', rowId: function (a) { return a.number; }, rows: inst.accreditations || [], columns: [
      {key: 'scheme', zh: '认可体系', en: 'Scheme'}, {key: 'number', zh: '证书号', en: 'Number', render: function (a) { return h('span', {class: 'mono'}, a.number); }},
      {key: 'quantities', zh: '量', en: 'Quantities', sort: function (a) { return (a.quantities || []).join(' '); }},
      {key: 'valid_until', zh: '有效期至', en: 'Valid until'}]}), (inst.accreditations || []).length);
    var lists = [
      ['standards', '/standards?institution=', '计量标准', 'Standards', [
        {key: 'id', zh: '编号', en: 'Id', render: function (r) { return idLink('standards', r.id); }}, {key: 'name', zh: '名称', en: 'Name'},
        {key: 'level', zh: '等级', en: 'Level', sort: function (r) { return r.level; }}, {key: 'quantity', zh: '量', en: 'Quantity'},
        {key: 'approval', zh: '考核证书有效期至', en: 'Approval until', sort: function (r) { return r.approval ? r.approval.valid_until : ''; }, render: function (r) { return r.approval ? r.approval.valid_until : '—'; }},
        {key: 'status', zh: '状态', en: 'Status', render: function (r) { return statusBadge(r.status); }}]],
      ['instruments', '/instruments?institution=', '计量器具', 'Instruments', [
        {key: 'id', zh: '编号', en: 'Id', render: function (r) { return idLink('instruments', r.id); }}, {key: 'type', zh: '器具类型', en: 'Type'},
        {key: 'manufacturer', zh: '制造商', en: 'Manufacturer'}, {key: 'serial', zh: '出厂编号', en: 'Serial', render: function (r) { return h('span', {class: 'mono'}, r.serial || ''); }},
        {key: 'quantity', zh: '量', en: 'Quantity'}, {key: 'compulsory', zh: '强制检定', en: 'Compulsory'}]],
      ['capabilities', '/capabilities?institution=', '校准测量能力', 'Capabilities', [
        {key: 'id', zh: '编号', en: 'Id', render: function (r) { return idLink('capabilities', r.id); }}, {key: 'quantity', zh: '量', en: 'Quantity'},
        {key: 'range', zh: '测量范围', en: 'Range', sort: function (r) { return r.range ? r.range.max : 0; }}, {key: 'uncertainty', zh: '扩展不确定度', en: 'Uncertainty', sort: function (r) { return r.uncertainty ? r.uncertainty.value : 0; }},
        {key: 'method', zh: '方法/规程', en: 'Method'}, {key: 'valid_until', zh: '有效期至', en: 'Valid until'}]],
      ['agreements', '/agreements?party=', '互认协议', 'Agreements', [
        {key: 'id', zh: '编号', en: 'Id', render: function (r) { return idLink('agreements', r.id); }},
        {key: 'parties', zh: '协议方', en: 'Parties', sort: function (r) { return (r.parties || []).join(' '); }}, {key: 'quantities', zh: '量', en: 'Quantities', sort: function (r) { return (r.quantities || []).join(' '); }},
        {key: 'valid_until', zh: '有效期至', en: 'Valid until'},
        {key: 'approvals', zh: '生效', en: 'In force', sort: function (r) { return (r.approvals || []).length === (r.parties || []).length ? 1 : 0; },
          render: function (r) { var all = (r.approvals || []).length === (r.parties || []).length; return badge(all ? T('各方已批准', 'approved by all') : T('待批准 ' + (r.approvals || []).length + '/' + (r.parties || []).length, 'pending ' + (r.approvals || []).length + '/' + (r.parties || []).length), all ? 'ok' : 'warn'); }}]]];
    var panels = lists.map(function (l) { return pending('institution-' + l[0], l[2], l[3]); });
    extras(out, [], panels.concat([acc]));
    lists.forEach(function (l, i) {
      listAll(l[1] + enc(inst.id)).then(function (got) {
        if (!MT.current(n)) return;
        fillPanel(panels[i], l[2], l[3], table({id: 'institution-' + l[0] + '-table', columns: l[4], rows: got.records, sort: 'id'}), got.records.length + (got.more ? '+' : ''));
      }).catch(function (e) { if (MT.current(n)) failPanel(panels[i], l[2], l[3], e); });
    });
  };

  // ---- certificate ----------------------------------------------------------------------

  // A certificate issued against a reference that was sealed or revoked on
  // its performance date warns on its own page.
  MT.recordExtras.certificates = function (cert, out, n) {
    var refs = cert.reference_ids || [];
    if (!refs.length) return;
    var box = h('div', {id: 'certificate-references'});
    var head = out.querySelector('.record-head');
    out.insertBefore(box, head.nextSibling);
    Promise.all(refs.map(function (id) { return MT.api('GET', '/standards/' + enc(id)).catch(function () { return null; }); })).then(function (stds) {
      if (!MT.current(n)) return;
      var warnings = [];
      stds.forEach(function (s, i) {
        if (!s) { warnings.push(h('li', {'data-reference': refs[i], 'data-state': 'missing'}, T('参考标准 ', 'Reference ') + refs[i] + T(' 不存在。', ' does not exist.'))); return; }
        var st = statusOn(s, cert.performed_on);
        if (st.status !== 'active') {
          warnings.push(h('li', {'data-reference': s.id, 'data-state': st.status}, T('本证书于 ', 'This certificate was performed on '), h('b', {}, cert.performed_on),
            T(' 使用了参考标准 ', ' with reference '), idLink('standards', s.id), T('，该标准自 ', ', which was '), T('', st.status + ' since '), h('b', {}, st.since),
            T(' 起已' + MT.valueLabel('status', st.status), ''), st.reason ? T('（' + st.reason + '）', ' (' + st.reason + ')') : '', T('。', '.')));
        }
      });
      if (warnings.length) {
        MT.show(box, h('div', {class: 'verdict warn', role: 'alert', 'data-warning': 'reference-not-active'},
          h('div', {class: 'mark', 'aria-hidden': 'true'}, '!'),
          h('div', {}, h('div', {class: 'title'}, T('参考标准在使用时已封存或撤销', 'A reference was sealed or revoked when used')),
            h('ul', {class: 'sub'}, warnings),
            h('div', {class: 'sub'}, h('a', {href: '#/trace/' + enc(cert.subject_id) + '?at=' + enc(cert.performed_on)}, T('查看被校对象的溯源链 →', 'See the subject\'s chain →'))))));
      }
    });
  };

  // ---- verify: the address a report's QR code opens ----------------------------------------

  var showVerify = MT.VIEWS.verify;
  MT.VIEWS.verify = function (r, n) {
    showVerify(r, n);
    var cert = r.query.get('certificate'), sha = r.query.get('sha256');
    var note = document.getElementById('verify-expect');
    if (note) note.parentNode.removeChild(note);
    if (!cert) return;
    var form = document.getElementById('verify-form');
    form.parentNode.insertBefore(h('p', {class: 'notice', id: 'verify-expect', 'data-certificate': cert, 'data-sha256': sha || ''},
      T('扫码核验证书 ', 'Checking certificate '), h('span', {class: 'mono'}, cert),
      sha ? [T('：请选择其 DCC 文件，其 SHA-256 应为 ', ': choose its DCC file; its SHA-256 should be '), h('span', {class: 'hash'}, sha)] : null), form);
  };
}());
