// metrotrace console: the forms recorders write with, and the actions on
// their own records. Built on the helpers app.js exposes as
// window.metrotrace; plain JavaScript, no build step.
//
// A form sends what was typed, unchecked: the gateway and the chaincode
// check every field and answer every wrong one at once in
// error.details [{field, message}], and each is shown next to its field.
// Which forms and actions are offered comes from /api/v1/vocabulary (the
// kinds with their creators, the actions with their roles) and the token.
(function () {
  'use strict';
  var M = window.metrotrace;
  if (!M) return;
  var h = M.h, T = M.T;

  // ---- field specifications ---------------------------------------------------

  // A field is {name, zh, en, type}; type is text (default), number, date,
  // bool, select (options, labelled by label(value)), quantity, unit, or
  // pick (an id found by search, of the doc types in docTypes; many: a
  // comma-separated list). own: the token's institution by default.
  function f(name, zh, en, type, more) {
    var o = {name: name, zh: zh, en: en, type: type || 'text'};
    Object.keys(more || {}).forEach(function (k) { o[k] = more[k]; });
    return o;
  }
  function rangeFields(prefix) {
    return [f(prefix + '.min', '下限', 'min', 'number'), f(prefix + '.max', '上限', 'max', 'number'), f(prefix + '.unit', '单位', 'unit', 'unit')];
  }
  function uncertaintyFields(prefix) {
    return [f(prefix + '.value', '扩展不确定度 U', 'expanded uncertainty U', 'number'), f(prefix + '.unit', '单位', 'unit', 'unit'),
      f(prefix + '.k', '包含因子 k', 'coverage factor k', 'number', {value: '2'})];
  }
  function levels() { return Object.keys(M.LEVEL_LABEL); }
  function levelLabel(v) { return M.levelLabel(v); }
  function valueOptions(key) { return Object.keys(M.VALUE_LABEL[key] || {}); }

  // A group is {group, zh, en, fields}; rows: a list of such rows (results).
  var FORMS = {
    capability: {zh: '登记校准测量能力', en: 'Register a capability (CMC)', fields: [
      f('id', '能力编号', 'capability id'), f('institution_id', '机构', 'institution', 'pick', {docTypes: ['institution'], own: true}),
      f('quantity', '量', 'quantity', 'quantity'),
      {group: 'range', zh: '测量范围', en: 'range', fields: rangeFields('range')},
      {group: 'uncertainty', zh: '最佳扩展不确定度', en: 'best expanded uncertainty', fields: uncertaintyFields('uncertainty')},
      f('method', '方法/规程', 'method', 'text', {placeholder: 'JJG 99-2022'}), f('valid_until', '有效期至', 'valid until', 'date')]},
    standard: {zh: '登记计量标准', en: 'Register a standard', fields: [
      f('id', '标准编号', 'standard id'), f('institution_id', '机构', 'institution', 'pick', {docTypes: ['institution'], own: true}),
      f('name', '名称', 'name'), f('level', '等级', 'level', 'select', {options: levels, label: levelLabel}),
      f('quantity', '量', 'quantity', 'quantity'),
      {group: 'range', zh: '测量范围', en: 'range', fields: rangeFields('range')},
      {group: 'uncertainty', zh: '扩展不确定度', en: 'expanded uncertainty', fields: uncertaintyFields('uncertainty')},
      {group: 'approval', zh: '计量标准考核证书（社会公用、部门、企事业标准必填）', en: 'standard approval (public, department and enterprise standards)', optional: true,
        fields: [f('approval.number', '证书号', 'number'), f('approval.valid_until', '有效期至', 'valid until', 'date')]}]},
    instrument: {zh: '登记计量器具', en: 'Register an instrument', fields: [
      f('id', '器具编号', 'instrument id'), f('institution_id', '登记机构', 'registering institution', 'pick', {docTypes: ['institution'], own: true}),
      f('type', '器具类型', 'type'), f('manufacturer', '制造商', 'manufacturer'), f('model', '型号', 'model'), f('serial', '出厂编号', 'serial'),
      f('quantity', '量', 'quantity', 'quantity'),
      {group: 'range', zh: '测量范围', en: 'range', fields: rangeFields('range')},
      {group: 'mpe', zh: '最大允许误差', en: 'maximum permissible error', fields: [f('mpe.value', '值', 'value', 'number'), f('mpe.unit', '单位', 'unit', 'unit')]},
      f('compulsory', '强制检定（强检）', 'compulsory verification (强检)', 'bool'),
      f('category', '强检目录类别', 'catalogue category', 'select', {options: function () { return (M.vocab().categories || []).map(function (c) { return c.code; }); },
        label: function (v) { return M.valueLabel('category', v); }, blank: true}),
      f('interval_months', '检定周期（月）', 'interval (months)', 'number')]},
    certificate: {zh: '出具检定/校准证书', en: 'Issue a certificate', fields: [
      f('id', '证书编号', 'certificate number'), f('kind', '类别', 'kind', 'select', {options: function () { return ['calibration', 'verification']; }, label: function (v) { return M.valueLabel('kind', v); }}),
      f('issuer_id', '出具机构', 'issuer', 'pick', {docTypes: ['institution'], own: true}),
      f('subject_id', '被检/被校对象', 'subject', 'pick', {docTypes: ['instrument', 'standard']}),
      f('reference_ids', '所用计量标准', 'reference standards', 'pick', {docTypes: ['standard'], many: true}),
      f('quantity', '量', 'quantity', 'quantity'),
      f('performed_on', '检定/校准日期', 'performed on', 'date'), f('valid_until', '有效期至', 'valid until', 'date'),
      f('method', '方法/规程', 'method', 'text', {placeholder: 'JJG 99-2022'}),
      f('conformity', '检定结论（仅检定）', 'conformity (verification only)', 'select', {options: function () { return valueOptions('conformity'); }, label: function (v) { return M.valueLabel('conformity', v); }, blank: true}),
      {rows: 'results', zh: '结果', en: 'results', fields: [f('value', '值', 'value', 'number'), f('unit', '单位', 'unit', 'unit'),
        f('uncertainty.value', 'U', 'U', 'number'), f('uncertainty.unit', 'U 单位', 'U unit', 'unit'), f('uncertainty.k', 'k', 'k', 'number', {value: '2'})]}]},
    comparison: {zh: '登记比对', en: 'Record a comparison', fields: [
      f('id', '比对编号', 'comparison id'), f('pilot_id', '主导实验室', 'pilot', 'pick', {docTypes: ['institution'], own: true}),
      f('quantity', '量', 'quantity', 'quantity'), f('completed_on', '完成日期', 'completed on', 'date'),
      {group: 'reference', zh: '参考值', en: 'reference value', fields: [f('reference.value', '值', 'value', 'number'), f('reference.unit', '单位', 'unit', 'unit'),
        f('reference.uncertainty.value', 'U', 'U', 'number'), f('reference.uncertainty.unit', 'U 单位', 'U unit', 'unit'), f('reference.uncertainty.k', 'k', 'k', 'number', {value: '2'})]},
      resultRows()]},
    agreement: {zh: '提议互认协议', en: 'Propose an agreement', fields: [
      f('id', '协议编号', 'agreement id'), f('parties', '协议方', 'parties', 'pick', {docTypes: ['institution'], many: true, own: true}),
      f('quantities', '量（逗号分隔）', 'quantities (comma-separated)', 'quantity', {many: true}),
      f('requires_accreditation', '要求认可', 'requires accreditation', 'bool'),
      f('comparison_within_years', '比对有效年限', 'comparison within (years)', 'number'),
      f('valid_from', '生效日期', 'valid from', 'date'), f('valid_until', '有效期至', 'valid until', 'date')]}
  };
  function resultRows() {
    return {rows: 'results', zh: '参加实验室结果', en: 'participants\' results', fields: [
      f('institution_id', '实验室', 'laboratory', 'pick', {docTypes: ['institution']}), f('value', '值', 'value', 'number'), f('unit', '单位', 'unit', 'unit'),
      f('uncertainty.value', 'U', 'U', 'number'), f('uncertainty.unit', 'U 单位', 'U unit', 'unit'), f('uncertainty.k', 'k', 'k', 'number', {value: '2'})]};
  }
  var ORDER = ['capability', 'standard', 'instrument', 'certificate', 'comparison', 'agreement'];
  var UNITS = ['kg', 'g', 'mg', 'm', 'mm', 'µm', 'Pa', 'kPa', 'MPa', '°C', 'K', 'V', 'mV', 'A', 'Ω', 'N', 'L', 'mL', 's', 'Hz', '%', '%RH'];

  // ---- building inputs -----------------------------------------------------------

  var uid = 0;
  function fieldBox(path, label, input, extra) {
    return h('label', {class: 'form-field', 'data-field': path},
      h('span', {class: 'label'}, label), input, extra || null,
      h('span', {class: 'field-error', role: 'alert', hidden: true}));
  }
  function datalist(id, values) {
    return h('datalist', {id: id}, values.map(function (v) { return h('option', {value: v}); }));
  }
  function input(spec, path) {
    var own = (M.claims() || {}).institution || '';
    var attrs = {name: path, id: 'f-' + path.replace(/[^A-Za-z0-9_-]/g, '-') + '-' + (++uid), autocomplete: 'off'};
    switch (spec.type) {
      case 'number':
        return h('input', Object.assign(attrs, {type: 'text', inputmode: 'decimal', value: spec.value || '', 'data-type': 'number'}));
      case 'date':
        return h('input', Object.assign(attrs, {type: 'text', inputmode: 'numeric', placeholder: 'YYYY-MM-DD', 'data-type': 'date'}));
      case 'bool':
        return h('input', Object.assign(attrs, {type: 'checkbox', 'data-type': 'bool'}));
      case 'select':
        var opts = spec.options();
        return h('select', Object.assign(attrs, {'data-type': 'text'}),
          h('option', {value: ''}, '—'),
          opts.map(function (v) { return h('option', {value: v}, spec.label ? spec.label(v) : v); }));
      case 'quantity':
        var ql = 'dl-q-' + uid;
        return [h('input', Object.assign(attrs, {list: ql, 'data-type': spec.many ? 'list' : 'text', placeholder: spec.many ? 'mass, pressure' : 'mass'})),
          datalist(ql, valueOptions('quantity'))];
      case 'unit':
        var ul = 'dl-u-' + uid;
        return [h('input', Object.assign(attrs, {list: ul, 'data-type': 'text', class: 'unit'})), datalist(ul, UNITS)];
      case 'pick':
        return picker(spec, attrs, spec.own && !spec.many ? own : (spec.own && spec.many ? own : ''));
    }
    return h('input', Object.assign(attrs, {type: 'text', 'data-type': 'text', placeholder: spec.placeholder || ''}));
  }

  // picker is a text input for an id (or a comma-separated list of ids)
  // with the records a search finds as suggestions: a click fills the id in.
  function picker(spec, attrs, value) {
    var box = h('div', {class: 'pick-results', hidden: true});
    var el = h('input', Object.assign(attrs, {type: 'text', value: value, 'data-type': spec.many ? 'list' : 'text',
      placeholder: T('输入编号或名称检索', 'type an id or a name to search')}));
    var timer = null, n = 0;
    function term() {
      var parts = el.value.split(',');
      return parts[parts.length - 1].trim();
    }
    function choose(id) {
      if (spec.many) {
        var parts = el.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
        parts[Math.max(parts.length - 1, 0)] = id;
        if (!el.value.trim() || el.value.trim().slice(-1) === ',') parts = el.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean).concat([id]);
        el.value = parts.filter(function (v, i, a) { return a.indexOf(v) === i; }).join(', ');
      } else {
        el.value = id;
      }
      box.hidden = true;
      el.focus();
    }
    el.addEventListener('input', function () {
      clearTimeout(timer);
      var q = term();
      if (q.length < 2) { box.hidden = true; return; }
      timer = setTimeout(function () {
        var mine = ++n;
        M.api('GET', '/search?q=' + M.enc(q) + '&limit=20').then(function (res) {
          if (mine !== n) return;
          var hits = (res.hits || []).filter(function (x) { return spec.docTypes.indexOf(x.doc_type) >= 0; }).slice(0, 8);
          M.show(box, hits.length ? hits.map(function (x) {
            return h('button', {type: 'button', class: 'pick', 'data-id': x.id, onclick: function () { choose(x.id); }},
              h('span', {class: 'mono'}, x.id), ' ', h('span', {class: 'muted'}, x.name || ''), ' ', M.badge(x.doc_type));
          }) : h('div', {class: 'muted'}, T('没有匹配的记录', 'no matching record')));
          box.hidden = false;
        }).catch(function () { box.hidden = true; });
      }, 200);
    });
    return [el, box];
  }

  function buildFields(specs) {
    return specs.map(function (s) {
      if (s.group) {
        return h('fieldset', {class: 'form-group', 'data-field': s.group},
          h('legend', {}, T(s.zh, s.en)),
          h('div', {class: 'form-row'}, s.fields.map(function (x) { return fieldBox(x.name, T(x.zh, x.en), input(x, x.name)); })),
          h('span', {class: 'field-error', role: 'alert', hidden: true}));
      }
      if (s.rows) return rowsBlock(s);
      return fieldBox(s.name, T(s.zh, s.en), input(s, s.name));
    });
  }

  // rowsBlock is a list of result rows, each named results[i].…, with a
  // button adding one.
  function rowsBlock(s, initial) {
    var list = h('div', {class: 'rows'});
    function addRow() {
      var i = list.children.length;
      var path = s.rows + '[' + i + ']';
      list.appendChild(h('fieldset', {class: 'form-group row-group', 'data-field': path},
        h('legend', {}, T(s.zh, s.en) + ' ' + (i + 1)),
        h('div', {class: 'form-row'}, s.fields.map(function (x) { return fieldBox(path + '.' + x.name, T(x.zh, x.en), input(x, path + '.' + x.name)); })),
        h('span', {class: 'field-error', role: 'alert', hidden: true})));
    }
    for (var i = 0; i < (initial || 1); i++) addRow();
    return h('fieldset', {class: 'form-group', 'data-field': s.rows},
      h('legend', {}, T(s.zh, s.en)), list,
      h('button', {type: 'button', class: 'ghost small add-row', onclick: addRow}, T('＋ 增加一行', '+ add a row')),
      h('span', {class: 'field-error', role: 'alert', hidden: true}));
  }

  // ---- reading a form into JSON ----------------------------------------------------

  // setPath sets obj[a][b][0][c] for the path "a.b[0].c".
  function setPath(obj, path, value) {
    var keys = [];
    path.split('.').forEach(function (seg) {
      var m = /^([^[]+)((?:\[\d+\])*)$/.exec(seg);
      if (!m) { keys.push(seg); return; }
      keys.push(m[1]);
      (m[2].match(/\d+/g) || []).forEach(function (d) { keys.push(+d); });
    });
    var o = obj;
    for (var i = 0; i < keys.length - 1; i++) {
      if (o[keys[i]] === undefined) o[keys[i]] = typeof keys[i + 1] === 'number' ? [] : {};
      o = o[keys[i]];
    }
    o[keys[keys.length - 1]] = value;
  }
  // readForm turns the inputs into the record as typed: an empty input is
  // left out (the server says what is missing), a number that does not
  // parse is sent as the text typed (the server says it is not a number).
  function readForm(form) {
    var obj = {};
    form.querySelectorAll('[name]').forEach(function (el) {
      var path = el.name, t = el.getAttribute('data-type'), v;
      if (t === 'bool') { if (el.checked) setPath(obj, path, true); return; }
      v = (el.value || '').trim();
      if (v === '') return;
      if (t === 'number') { var x = Number(v); setPath(obj, path, isFinite(x) && /^[-+0-9.eE]+$/.test(v) ? x : v); return; }
      if (t === 'list') { setPath(obj, path, v.split(',').map(function (s) { return s.trim(); }).filter(Boolean)); return; }
      setPath(obj, path, v);
    });
    prune(obj);
    return obj;
  }
  // prune drops what was not filled in: a result row left empty is no
  // result, and a group whose only value is a default (k = 2) is absent.
  function prune(o) {
    Object.keys(o).forEach(function (k) {
      var v = o[k];
      if (Array.isArray(v)) {
        v.forEach(function (r) { if (r && typeof r === 'object') prune(r); });
        o[k] = v.filter(function (r) { return r && !(typeof r === 'object' && onlyDefaults(r)); });
      } else if (v && typeof v === 'object') {
        prune(v);
        if (onlyDefaults(v)) delete o[k];
      }
    });
  }
  function onlyDefaults(o) {
    var keys = Object.keys(o);
    return keys.every(function (k) {
      if (o[k] && typeof o[k] === 'object') return onlyDefaults(o[k]);
      return k === 'k';
    });
  }

  // ---- showing errors ----------------------------------------------------------------

  function clearErrors(form) {
    form.querySelectorAll('.field-error').forEach(function (el) { el.hidden = true; el.textContent = ''; });
    form.querySelectorAll('[data-invalid]').forEach(function (el) { el.removeAttribute('data-invalid'); });
  }
  // placeOf finds the box of a field path, or of the nearest enclosing
  // field the form has ("results[0].uncertainty.k" → "results[0]").
  function placeOf(form, field) {
    var path = field;
    while (path) {
      var el = form.querySelector('[data-field="' + path.replace(/"/g, '\\"') + '"]');
      if (el) return el;
      var cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      path = cut > 0 ? path.slice(0, cut) : '';
    }
    return null;
  }
  // showErrors puts every detail next to its field; the ones of no field
  // of the form go to the form's own error box. It returns how many were
  // placed on fields.
  function showErrors(form, out, e) {
    clearErrors(form);
    var details = e.details || [], placed = 0, rest = [];
    details.forEach(function (d) {
      var box = d.field ? placeOf(form, d.field) : null;
      if (!box) { rest.push(d); return; }
      var err = box.querySelector(':scope > .field-error');
      err.hidden = false;
      if (err.textContent) err.appendChild(document.createElement('br'));
      // In the console's language, from the detail's code and params; the
      // English as sent is the title (and the text for a code not known).
      err.appendChild(h('span', {class: 'field-message', 'data-code': d.code || '', title: d.message}, M.sayDetail(d)));
      box.setAttribute('data-invalid', 'true');
      placed++;
    });
    // A refusal whose details name no field (a record that exists, a role
    // that may not write) is said whole by the error box.
    var fielded = details.filter(function (d) { return d.field; });
    var summary = fielded.length
      ? h('div', {class: 'error', role: 'alert', 'data-code': e.code, 'data-status': e.status, 'data-details': details.length},
        h('span', {class: 'code', title: e.code}, M.errorLabel(e.code)),
        h('span', {class: 'message'}, T('共 ' + details.length + ' 处错误，已标在各字段旁。', details.length + ' errors, each shown by its field.')),
        rest.length ? h('ul', {class: 'problems details'}, rest.map(function (d) {
          return h('li', {'data-field': d.field || '', 'data-code': d.code || ''}, h('span', {class: 'mono'}, M.fieldName(d.field)), ' ', h('span', {title: d.message}, M.sayDetail(d)));
        })) : null)
      : M.errorBox(e);
    M.show(out, summary);
    var first = form.querySelector('[data-invalid]');
    if (first && first.scrollIntoView) first.scrollIntoView({block: 'center'});
    return placed;
  }

  // submitForm posts the form's record and, once written, opens its page.
  function submitForm(form, out, method, path, after) {
    var body = readForm(form);
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    M.show(out, M.loading('提交中', 'Submitting'));
    return M.api(method, path(body), {body: JSON.stringify(after && after.body ? after.body(body) : body), contentType: 'application/json'})
      .then(function (res) {
        clearErrors(form);
        button.disabled = false;
        if (after && after.done) after.done(res, body); else M.clear(out);
      }, function (e) {
        button.disabled = false;
        showErrors(form, out, e);
      });
  }

  // ---- the New view -----------------------------------------------------------------

  var section = h('section', {class: 'view', id: 'view-new', hidden: true},
    h('h1', {id: 'new-title'}), h('p', {class: 'lead', id: 'new-lead'}),
    h('nav', {class: 'form-kinds', id: 'new-kinds'}), h('div', {id: 'new-body'}));
  M.$('main').appendChild(section);
  var tab = h('a', {href: '#/new', 'data-view': 'new', hidden: true}, h('span', {class: 'zh'}, '录入'), h('span', {class: 'en'}, 'New record'));
  var tabs = document.querySelector('.tabs');
  tabs.insertBefore(tab, tabs.querySelector('a[data-view="import"]'));

  function creatable() { return ORDER.filter(function (k) { return M.mayCreate(k); }); }
  M.renderHooks.push(function () { tab.hidden = creatable().length === 0; });

  function showNew(r) {
    var kinds = creatable(), kind = r.args[0] || kinds[0] || '';
    M.show(M.$('new-kinds'), kinds.map(function (k) {
      return h('a', {href: '#/new/' + k, class: 'button' + (k === kind ? ' active' : ''), 'data-kind': k}, T(FORMS[k].zh, FORMS[k].en));
    }));
    var body = M.$('new-body');
    document.title = T('录入', 'New record') + ' · metrotrace';
    M.$('new-title').textContent = T('录入记录', 'Write a record');
    M.$('new-lead').textContent = T('填写后提交：网关与链码核查每个字段，全部错误一次标出；通过后记录上链。',
      'Fill in and submit: the gateway and the chaincode check every field and mark every error at once; a record that passes is written to the ledger.');
    if (!kinds.length) {
      M.show(body, h('div', {class: 'error', role: 'alert', 'data-code': 'forbidden'},
        T('录入记录需要记录员（recorder）令牌。', 'Writing records needs a recorder token.')));
      return;
    }
    if (!FORMS[kind] || kinds.indexOf(kind) < 0) {
      M.show(body, h('div', {class: 'error', role: 'alert', 'data-code': 'forbidden'},
        T('当前令牌的角色不能录入此类记录。', 'This token\'s role may not write this kind of record.')));
      return;
    }
    var spec = FORMS[kind], out = h('div', {class: 'result form-result', id: 'new-result'});
    var plural = pluralOf(kind);
    var form = h('form', {class: 'record-form', id: 'form-' + kind, 'data-kind': kind, novalidate: true, autocomplete: 'off'},
      h('h2', {}, T(spec.zh, spec.en)), buildFields(spec.fields),
      h('div', {class: 'form-actions'}, h('button', {type: 'submit', class: 'primary'}, T('提交上链', 'Submit to the ledger'))));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      submitForm(form, out, 'POST', function () { return '/' + plural; }, {done: function (rec) {
        M.go(M.recordHref(plural, rec.id));
      }});
    });
    M.show(body, form, out);
  }
  function pluralOf(docType) {
    var k = (M.vocab().kinds || []).filter(function (x) { return x.doc_type === docType; })[0];
    return k ? k.plural : docType + 's';
  }
  M.views['new'] = showNew;

  // ---- actions on a record -----------------------------------------------------------

  // mayAct says whether the token's role may take an action on a doc type,
  // as the vocabulary's actions list their roles.
  function mayAct(docType, name) {
    var c = M.claims();
    if (!c || !c.role) return false;
    return (M.vocab().actions || []).some(function (a) {
      return a.doc_type === docType && a.name === name && (a.roles || []).indexOf(c.role) >= 0;
    });
  }
  function actionForm(id, title, fields, submitLabel, method, path, bodyOf, done) {
    var out = h('div', {class: 'result form-result'});
    var form = h('form', {class: 'record-form action-form', id: id, novalidate: true, autocomplete: 'off'},
      h('h3', {}, title), buildFields(fields),
      h('div', {class: 'form-actions'}, h('button', {type: 'submit', class: 'primary'}, submitLabel)));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      submitForm(form, out, method, function () { return path; }, {body: bodyOf, done: done});
    });
    return h('div', {class: 'action-box'}, form, out);
  }
  function reload() { M.go(location.hash); }

  M.recordHooks.push(function (plural, rec, out) {
    var c = M.claims() || {}, me = c.institution || '', boxes = [];
    var enc = M.enc;
    if (rec.doc_type === 'standard' && rec.institution_id === me && mayAct('standard', 'status')) {
      var choices = ['sealed', 'revoked', 'active'].filter(function (s) { return s !== rec.status; });
      var labels = {sealed: ['封存', 'seal'], revoked: ['撤销', 'revoke'], active: ['恢复使用', 'reactivate']};
      boxes.push(actionForm('action-status', T('变更状态（封存 / 撤销 / 恢复）', 'Change status (seal / revoke / reactivate)'), [
        f('status', '新状态', 'new status', 'select', {options: function () { return choices; }, label: function (v) { return T(labels[v][0], labels[v][1]); }}),
        f('since', '自（日期）', 'since (date)', 'date'), f('reason', '原因', 'reason')],
      T('变更状态', 'Change status'), 'POST', '/standards/' + enc(rec.id) + '/status', null, reload));
    }
    if (rec.doc_type === 'certificate' && rec.issuer_id === me && rec.status === 'valid') {
      if (mayAct('certificate', 'revoke')) {
        boxes.push(actionForm('action-revoke', T('撤销证书', 'Revoke the certificate'), [f('reason', '原因', 'reason')],
          T('撤销', 'Revoke'), 'POST', '/certificates/' + enc(rec.id) + '/revoke', null, reload));
      }
      if (mayAct('certificate', 'supersede')) {
        boxes.push(actionForm('action-supersede', T('以新证书替代', 'Supersede with a new certificate'), [
          f('replacement_id', '替代证书', 'replacement certificate', 'pick', {docTypes: ['certificate']}), f('reason', '原因', 'reason')],
        T('替代', 'Supersede'), 'POST', '/certificates/' + enc(rec.id) + '/supersede', null, reload));
      }
    }
    if (rec.doc_type === 'comparison' && rec.pilot_id === me && mayAct('comparison', 'results')) {
      var rows = resultRows();
      boxes.push(actionForm('action-results', T('补充比对结果', 'Add results'), [rows],
        T('提交结果', 'Add the results'), 'POST', '/comparisons/' + enc(rec.id) + '/results',
        function (b) { return b.results || []; }, reload));
    }
    if (rec.doc_type === 'agreement' && (rec.parties || []).indexOf(me) >= 0 && (rec.approvals || []).indexOf(me) < 0 && mayAct('agreement', 'approve')) {
      boxes.push(actionForm('action-approve', T('以 ' + me + ' 名义批准此协议', 'Approve for ' + me), [],
        T('批准', 'Approve'), 'POST', '/agreements/' + enc(rec.id) + '/approve', function () { return {}; }, reload));
    }
    if (boxes.length) {
      out.insertBefore(h('div', {class: 'panel actions-panel', id: 'record-actions'}, h('h2', {}, M.bi('操作', 'Actions')), boxes),
        out.children[2] || null);
    }
  });
}());
