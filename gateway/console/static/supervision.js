// metrotrace console, part three: the supervision dashboard (智慧计量监管:
// due, overdue, approvals, at risk, coverage, open notices, with filters
// and CSV exports) and the page of an out-of-tolerance case, where a
// recorder of the notified institution resolves its items. Built on the
// helpers app.js shares as window.MT.
(function () {
  'use strict';

  var MT = window.MT;
  var h = MT.h, T = MT.T, badge = MT.badge, idLink = MT.idLink, enc = MT.enc;

  // The two views get their sections and the dashboard its tab here, so
  // index.html only loads this script.
  var main = document.getElementById('main');
  main.appendChild(h('section', {class: 'view', id: 'view-supervision', hidden: true},
    h('h1', {}, h('span', {class: 'zh'}, '计量监管'), ' ', h('span', {class: 'en'}, 'Supervision')),
    h('p', {class: 'lead'}, h('span', {class: 'zh'}, '强检器具的到期与超期、计量标准考核证书的到期、风险证书、检定覆盖率，以及本机构待处理的超差通知。'),
      h('span', {class: 'en'}, 'Compulsory instruments due and overdue, expiring standard approvals, certificates at risk, verification coverage, and the open out-of-tolerance notices.')),
    h('div', {id: 'supervision-filters'}), h('div', {id: 'supervision-result', class: 'result'})));
  main.appendChild(h('section', {class: 'view', id: 'view-case', hidden: true}, h('div', {id: 'case-result', class: 'result'})));
  var tabs = document.querySelector('nav.tabs');
  var tab = h('a', {href: '#/supervision', 'data-view': 'supervision'}, h('span', {class: 'zh'}, '监管'), h('span', {class: 'en'}, 'Supervision'));
  tabs.insertBefore(tab, tabs.querySelector('a[data-view="import"]'));
  // A case page belongs to the dashboard's tab.
  window.addEventListener('hashchange', markTab);
  function markTab() { if (/^#\/case\//.test(location.hash)) tab.classList.add('active'); }

  // ---- vocabulary of the lists ----------------------------------------------------------

  var REASON = {
    verification_overdue: ['检定已超期', 'verification overdue'], never_verified: ['从未检定', 'never verified'],
    verification_due: ['即将到期', 'falls due'], approval_expires: ['考核证书即将到期', 'approval expires'],
    approval_expired: ['考核证书已过期', 'approval expired'], reference_sealed: ['使用了已封存的参考标准', 'reference sealed when used'],
    reference_revoked: ['使用了已撤销的参考标准', 'reference revoked when used'], reference_certificate_expired: ['参考标准证书已过期', 'reference certificate expired'],
    approval_expired_at_use: ['使用时考核证书已过期', 'approval expired when used'], notice_open: ['通知待处理', 'notice open']
  };
  var ACTION = {recalled: ['召回（撤销证书）', 'recalled (revokes the certificate)'], recalibrated: ['已重新检定/校准', 'recalibrated'], no_impact: ['无影响', 'no impact']};
  var ITEM_STATUS = {open: ['待处理', 'open'], resolved: ['已处理', 'resolved'], closed: ['已结案', 'closed']};
  function say(map, v) { var l = map[v]; return l ? T(l[0], l[1]) : (v || ''); }
  function reasonBadge(v) { return badge(say(REASON, v), /overdue|expired|sealed|revoked|never/.test(v || '') ? 'bad' : 'warn'); }
  function categoryName(code) {
    var c = (MT.vocab().categories || []).filter(function (x) { return x.code === code; })[0];
    return c ? T(c.zh, c.en) : (code || '');
  }
  // callerLabel says who made a write as the chaincode records it
  // ("<msp> <role> of <institution>", "<msp> <role>", "identity of <msp>"),
  // in zh with the role's name.
  function callerLabel(who) {
    if (MT.lang() === 'en') return who;
    var m = /^(\S+) (\S+) of (.+)$/.exec(who);
    if (m) return m[3] + ' 的' + MT.roleLabel(m[2]) + ' · ' + m[1];
    m = /^(\S+) (\S+)$/.exec(who);
    if (m) return m[1] + ' 的' + MT.roleLabel(m[2]);
    m = /^identity of (\S+)$/.exec(who);
    return m ? m[1] + ' 的身份' : who;
  }
  function districtName(code) { return code ? ((MT.vocab().districts || {})[code] || '') : ''; }
  function district(code) { return code ? [h('span', {class: 'mono'}, code), ' ', districtName(code)] : '—'; }

  // ---- the dashboard ----------------------------------------------------------------------

  // FILTERS are the dashboard's query parameters, as the lists take them.
  var FILTERS = ['region', 'district', 'institution', 'category'];

  function select(name, options, value, zh, en) {
    var s = h('select', {name: name, id: 'supervision-' + name},
      h('option', {value: ''}, T('全部', 'all')), options.map(function (o) { return h('option', {value: o[0]}, o[1]); }));
    s.value = value || '';
    return h('label', {class: 'field'}, h('span', {class: 'label'}, T(zh, en)), s);
  }

  function filterForm(query) {
    var v = MT.vocab(), region = query.get('region') || '';
    var districts = Object.keys(v.districts || {}).sort().filter(function (c) {
      return !region || ({BJ: '11', TJ: '12', HB: '13'})[region] === c.slice(0, 2);
    }).map(function (c) { return [c, c + ' ' + v.districts[c]]; });
    var form = h('form', {class: 'query', id: 'supervision-form', autocomplete: 'off'},
      select('region', (v.regions || []).map(function (r) { return [r, MT.valueLabel('region', r) + (MT.lang() === 'en' ? '' : ' ' + r)]; }), region, '地区', 'Region'),
      select('district', districts, query.get('district'), '区县', 'District'),
      h('label', {class: 'field'}, h('span', {class: 'label'}, T('机构', 'Institution')),
        h('input', {name: 'institution', id: 'supervision-institution', value: query.get('institution') || '', placeholder: 'TJ-BH', size: 10})),
      select('category', (v.categories || []).map(function (c) { return [c.code, T(c.zh, c.en)]; }), query.get('category'), '强检目录类别', 'Category'),
      h('label', {class: 'field'}, h('span', {class: 'label'}, T('到期天数内', 'Due within (days)')),
        h('input', {name: 'within_days', id: 'supervision-within', type: 'number', min: 0, max: 3660, value: query.get('within_days') || '30', style: 'width:7em'})),
      h('button', {type: 'submit', class: 'primary'}, T('查询', 'Show')));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var q = new URLSearchParams();
      FILTERS.concat(['within_days']).forEach(function (k) { var x = (form.elements[k].value || '').trim(); if (x) q.set(k, x); });
      MT.go('#/supervision' + (q.toString() ? '?' + q.toString() : ''));
    });
    form.elements.region.addEventListener('change', function () { form.elements.district.value = ''; form.requestSubmit(); });
    return form;
  }

  function filterQuery(query) {
    var q = new URLSearchParams();
    FILTERS.forEach(function (k) { if (query.get(k)) q.set(k, query.get(k)); });
    return q;
  }

  var instrumentCols = [
    {key: 'instrument_id', zh: '计量器具', en: 'Instrument', render: function (r) { return idLink('instruments', r.instrument_id); }},
    {key: 'institution_id', zh: '登记机构', en: 'Institution', render: function (r) { return idLink('institutions', r.institution_id); }},
    {key: 'district', zh: '区县', en: 'District', render: function (r) { return district(r.district); }},
    {key: 'category', zh: '类别', en: 'Category', sort: function (r) { return categoryName(r.category); }, render: function (r) { return categoryName(r.category); }},
    {key: 'due_on', zh: '到期日', en: 'Due on', render: function (r) { return r.due_on || '—'; }},
    {key: 'reason', zh: '原因', en: 'Why', sort: function (r) { return r.reason; }, render: function (r) { return reasonBadge(r.reason); }},
    {key: 'certificate_id', zh: '最近检定证书', en: 'Latest verification', render: function (r) { return r.certificate_id ? idLink('certificates', r.certificate_id) : '—'; }}];
  // LISTS are the dashboard's lists: route, titles, columns, row id.
  var LISTS = [
    {name: 'overdue', path: '/supervision/overdue', zh: '超期未检', en: 'Overdue', cols: instrumentCols, id: function (r) { return r.instrument_id; }},
    {name: 'due', path: '/supervision/due', within: true, zh: '即将到期', en: 'Due soon', cols: instrumentCols, id: function (r) { return r.instrument_id; }},
    {name: 'approvals', path: '/supervision/approvals', within: true, zh: '考核证书到期', en: 'Approvals expiring', id: function (r) { return r.standard_id; }, cols: [
      {key: 'standard_id', zh: '计量标准', en: 'Standard', render: function (r) { return idLink('standards', r.standard_id); }},
      {key: 'institution_id', zh: '机构', en: 'Institution', render: function (r) { return idLink('institutions', r.institution_id); }},
      {key: 'approval_number', zh: '考核证书', en: 'Approval', render: function (r) { return h('span', {class: 'data'}, r.approval_number || ''); }},
      {key: 'due_on', zh: '有效期至', en: 'Valid until'},
      {key: 'reason', zh: '原因', en: 'Why', render: function (r) { return reasonBadge(r.reason); }},
      {key: 'certificates_after_expiry', zh: '过期后出具的证书', en: 'Issued after expiry', sort: function (r) { return (r.certificates_after_expiry || []).length; },
        render: function (r) { var c = r.certificates_after_expiry || []; return c.length ? c.map(function (x, i) { return [i ? ', ' : '', idLink('certificates', x)]; }) : '—'; }}]},
    {name: 'at-risk', path: '/supervision/at-risk', zh: '风险证书', en: 'Certificates at risk', id: function (r) { return r.certificate_id; }, cols: [
      {key: 'certificate_id', zh: '证书', en: 'Certificate', render: function (r) { return idLink('certificates', r.certificate_id); }},
      {key: 'institution_id', zh: '出具机构', en: 'Issuer', render: function (r) { return idLink('institutions', r.institution_id); }},
      {key: 'subject_id', zh: '被检/被校对象', en: 'Subject', render: function (r) { return idLink('subjects', r.subject_id); }},
      {key: 'performed_on', zh: '检定/校准日期', en: 'Performed on'},
      {key: 'reason', zh: '风险', en: 'Risk', render: function (r) {
        return (r.risks && r.risks.length ? r.risks : [{reason: r.reason, reference_id: ''}]).map(function (k) {
          return h('div', {}, reasonBadge(k.reason), k.reference_id ? [' ', idLink('standards', k.reference_id)] : null);
        });
      }}]},
    {name: 'open-notices', path: '/supervision/open-notices', zh: '待处理的超差通知', en: 'Open out-of-tolerance notices', id: function (r) { return r.notice_id; }, cols: [
      {key: 'case_id', zh: '案件', en: 'Case', render: function (r) { return h('a', {href: '#/case/' + enc(r.case_id), class: 'mono', 'data-case': r.case_id}, r.case_id); }},
      {key: 'notice_id', zh: '通知', en: 'Notice', render: function (r) { return h('span', {class: 'mono'}, r.notice_id); }},
      {key: 'institution_id', zh: '被通知机构', en: 'Notified', render: function (r) { return idLink('institutions', r.institution_id); }},
      {key: 'standard_id', zh: '失准标准', en: 'Faulty standard', render: function (r) { return idLink('standards', r.standard_id); }},
      {key: 'opened_on', zh: '通知日期', en: 'Opened on'},
      {key: 'open_items', zh: '待处理项', en: 'Open items'}]}];

  // csvButton exports a list as CSV, with the dashboard's filters.
  function csvButton(name, path) {
    return MT.fileButton('supervision-' + name + '-csv', T('导出 CSV', 'Export CSV'), path + (path.indexOf('?') < 0 ? '?' : '&') + 'format=csv', 'supervision-' + name + '.csv');
  }

  function listPanel(list, query) {
    var q = filterQuery(query);
    if (list.within) q.set('within_days', query.get('within_days') || '30');
    var path = list.path + (q.toString() ? '?' + q.toString() : '');
    var el = h('div', {class: 'panel', id: 'supervision-' + list.name}, h('h2', {}, MT.bi(list.zh, list.en)), MT.loading('读取中', 'Loading'));
    var size = (MT.vocab().max_page_size) || 1000;
    MT.api('GET', path + (q.toString() ? '&' : '?') + 'page_size=' + size).then(function (page) {
      var items = page.items || [];
      MT.show(el, h('div', {class: 'graph-head'}, h('h2', {}, MT.bi(list.zh, list.en), h('span', {class: 'count', style: page.total ? '' : 'background:var(--ok)'}, String(page.total))),
        csvButton(list.name, path)),
        MT.table({id: 'supervision-' + list.name + '-table', columns: list.cols, rows: items, total: page.total, rowId: list.id, pageSize: 10}));
      el.setAttribute('data-total', page.total);
      el.setAttribute('data-loaded', 'true');
    }).catch(function (e) { MT.show(el, h('h2', {}, MT.bi(list.zh, list.en)), MT.errorBox(e)); el.setAttribute('data-loaded', 'true'); });
    return el;
  }

  function coveragePanel(query) {
    var by = query.get('by') || 'district';
    var q = filterQuery(query);
    q.set('by', by);
    var path = '/supervision/coverage?' + q.toString();
    var el = h('div', {class: 'panel', id: 'supervision-coverage'}, h('h2', {}, MT.bi('强检覆盖率', 'Verification coverage')), MT.loading('读取中', 'Loading'));
    var choose = h('select', {id: 'supervision-by'}, [['district', '按区县', 'by district'], ['category', '按类别', 'by category'], ['institution', '按机构', 'by institution']].map(function (o) {
      return h('option', {value: o[0]}, T(o[1], o[2]));
    }));
    choose.value = by;
    choose.addEventListener('change', function () {
      var nq = new URLSearchParams(query.toString());
      nq.set('by', choose.value);
      MT.go('#/supervision?' + nq.toString());
    });
    MT.api('GET', path + '&page_size=' + ((MT.vocab().max_page_size) || 1000)).then(function (cov) {
      var o = cov.overall || {};
      var pct = function (s) { return (Math.round((s || 0) * 1000) / 10) + ' %'; };
      var name = function (g) { return by === 'district' ? district(g.key) : (by === 'category' ? categoryName(g.key) : idLink('institutions', g.key)); };
      MT.show(el, h('div', {class: 'graph-head'}, h('h2', {}, MT.bi('强检覆盖率', 'Verification coverage')), h('label', {class: 'toggle'}, choose), csvButton('coverage', path)),
        h('p', {class: 'coverage-overall', 'data-registered': o.registered, 'data-verified': o.verified},
          T('截至 ', 'On '), h('b', {}, cov.on), T('：强检器具 ', ': '), h('b', {}, String(o.registered)), T(' 台，其中检定有效 ', ' compulsory instruments, '),
          h('b', {}, String(o.verified)), T(' 台，覆盖率 ', ' with a valid verification: '), h('b', {}, pct(o.share))),
        MT.table({id: 'supervision-coverage-table', rows: cov.groups || [], total: cov.total, pageSize: 10, rowId: function (g) { return g.key; }, sort: 'share', columns: [
          {key: 'key', zh: by === 'district' ? '区县' : (by === 'category' ? '类别' : '机构'), en: by, sort: function (g) { return g.key; }, render: name},
          {key: 'registered', zh: '强检器具', en: 'Registered'}, {key: 'verified', zh: '检定有效', en: 'Verified'},
          {key: 'share', zh: '覆盖率', en: 'Share', render: function (g) {
            return h('span', {class: 'share'}, h('span', {class: 'bar', style: 'width:' + Math.round((g.share || 0) * 60) + 'px'}), ' ', pct(g.share));
          }}]}));
      el.setAttribute('data-loaded', 'true');
    }).catch(function (e) { MT.show(el, h('h2', {}, MT.bi('强检覆盖率', 'Verification coverage')), MT.errorBox(e)); el.setAttribute('data-loaded', 'true'); });
    return el;
  }

  MT.VIEWS.supervision = function (r) {
    document.title = T('计量监管', 'Supervision') + ' · metrotrace';
    var query = r.query;
    // A recorder sees its own institution's work first.
    var c = MT.claimsOf(MT.getToken());
    if (c && c.role === 'recorder' && c.institution && !query.has('institution') && !query.has('all')) query.set('institution', c.institution);
    MT.show(document.getElementById('supervision-filters'), filterForm(query));
    var out = document.getElementById('supervision-result');
    if (!MT.getToken()) { MT.show(out, MT.errorBox(new MT.ApiError(401, 'unauthorized', T('监管清单需要访问令牌。', 'The supervision lists need a token.'), ''))); return; }
    var byName = {};
    LISTS.forEach(function (l) { byName[l.name] = l; });
    MT.show(out,
      h('div', {class: 'grid2'}, listPanel(byName.overdue, query), listPanel(byName.due, query)),
      listPanel(byName['open-notices'], query),
      h('div', {class: 'grid2'}, listPanel(byName.approvals, query), listPanel(byName['at-risk'], query)),
      coveragePanel(query));
  };

  // ---- a case ----------------------------------------------------------------------------

  // resolveForm resolves one open item of a notice: the action, a
  // replacement certificate (recalibrated) and a reason; the answer's
  // errors show next to their fields.
  function resolveForm(notice, item, n, reload) {
    var action = h('select', {name: 'action', required: true}, h('option', {value: ''}, T('— 处理方式 —', '— action —')),
      Object.keys(ACTION).map(function (a) { return h('option', {value: a}, say(ACTION, a)); }));
    var repl = h('input', {name: 'replacement_id', placeholder: T('新证书编号', 'new certificate id'), size: 16});
    var reason = h('input', {name: 'reason', placeholder: T('原因', 'reason'), size: 22});
    var out = h('div', {class: 'resolve-result'});
    var form = h('form', {class: 'resolve', 'data-certificate': item.certificate_id, autocomplete: 'off'},
      h('label', {'data-field': 'action'}, action), h('label', {'data-field': 'replacement_id'}, repl), h('label', {'data-field': 'reason'}, reason),
      h('button', {type: 'submit', class: 'primary small'}, T('处理', 'Resolve')), out);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      form.querySelectorAll('.field-error').forEach(function (x) { x.parentNode.removeChild(x); });
      var body = {certificate_id: item.certificate_id, action: action.value};
      if (repl.value.trim()) body.replacement_id = repl.value.trim();
      if (reason.value.trim()) body.reason = reason.value.trim();
      MT.show(out, T('提交中…', 'Submitting…'));
      MT.api('POST', '/notices/' + enc(notice.id) + '/resolve', {body: JSON.stringify(body), contentType: 'application/json'}).then(function () {
        if (MT.current(n)) reload();
      }).catch(function (e) {
        var box = MT.errorBox(e);
        if (e.status === 403) {
          box.insertBefore(h('b', {class: 'forbidden'}, T('无权处理：只有被通知机构 ' + notice.institution_id + ' 的记录员可以处理此通知的条目。',
            'Not allowed: only a recorder of the notified institution ' + notice.institution_id + ' resolves this notice\'s items.')), box.firstChild);
        }
        MT.show(out, box);
        (e.details || []).forEach(function (d) {
          var f = form.querySelector('[data-field="' + d.field + '"]');
          if (f) f.appendChild(h('span', {class: 'field-error', 'data-field': d.field, 'data-code': d.code || '', title: d.message}, MT.sayDetail(d)));
        });
      });
    });
    return form;
  }

  MT.VIEWS['case'] = function (r, n) {
    var id = r.args[0] || '';
    markTab();
    var out = document.getElementById('case-result');
    document.title = id + ' · ' + T('超差案件', 'Case') + ' · metrotrace';
    MT.show(out, MT.loading('读取中', 'Loading'));
    function load() {
      MT.api('GET', '/cases/' + enc(id)).then(function (cs) {
        if (!MT.current(n)) return;
        var c = MT.claimsOf(MT.getToken()) || {};
        var recorder = c.role === 'recorder';
        var notices = cs.notices || [];
        var items = notices.reduce(function (s, x) { return s + (x.items || []).length; }, 0);
        var open = notices.reduce(function (s, x) { return s + (x.items || []).filter(function (i) { return i.status === 'open'; }).length; }, 0);
        var parts = [
          h('div', {class: 'record-head', 'data-case': cs.id, 'data-status': cs.status},
            badge(T('超差案件', 'Out-of-tolerance case')), h('h1', {class: 'mono'}, cs.id), badge(say(ITEM_STATUS, cs.status), cs.status === 'closed' ? 'ok' : 'warn'),
            h('div', {class: 'actions'}, h('a', {class: 'button', href: '#/impact/' + enc(cs.standard_id) + '?since=' + enc(cs.since)}, T('影响分析', 'Impact')))),
          h('div', {class: 'panel'}, h('table', {class: 'fields'}, h('tbody', {},
            h('tr', {'data-field': 'standard_id'}, h('th', {}, T('失准计量标准', 'Faulty standard')), h('td', {}, idLink('standards', cs.standard_id))),
            h('tr', {'data-field': 'since'}, h('th', {}, T('失准起始日期', 'Suspect since')), h('td', {}, cs.since)),
            h('tr', {'data-field': 'finding'}, h('th', {}, T('发现', 'Finding')), h('td', {class: 'data'}, cs.finding || '')),
            h('tr', {'data-field': 'opened'}, h('th', {}, T('立案', 'Opened')), h('td', {}, cs.opened_on || '', cs.opened_by ? h('span', {class: 'muted data', 'data-opened-by': cs.opened_by}, ' · ' + callerLabel(cs.opened_by)) : '')),
            h('tr', {'data-field': 'progress'}, h('th', {}, T('进度', 'Progress')), h('td', {},
              T(notices.length + ' 份通知，' + items + ' 个条目，待处理 ' + open + ' 个', notices.length + ' notices, ' + items + ' items, ' + open + ' open')))))),
          !recorder ? h('p', {class: 'hint', id: 'case-who'}, T('处理条目需要被通知机构记录员（recorder）的令牌。', 'Resolving an item needs a token of a recorder of the notified institution.')) : null];
        notices.forEach(function (nt) {
          var mine = recorder && c.institution === nt.institution_id;
          parts.push(h('div', {class: 'panel notice-panel', id: 'notice-' + nt.id.replace(/[^A-Za-z0-9_-]/g, '_'), 'data-notice': nt.id, 'data-status': nt.status, 'data-institution': nt.institution_id},
            h('h2', {}, MT.bi('通知', 'Notice'), ' ', h('span', {class: 'mono'}, nt.id), ' ', badge(say(ITEM_STATUS, nt.status), nt.status === 'closed' ? 'ok' : 'warn'),
              h('span', {class: 'count'}, String((nt.items || []).length))),
            h('p', {class: 'hint'}, T('被通知机构 ', 'Notified institution '), idLink('institutions', nt.institution_id),
              T(' · 通知日期 ', ' · opened on ') + (nt.opened_on || '') + (nt.closed_on ? T(' · 结案 ', ' · closed on ') + nt.closed_on : ''),
              recorder && !mine && nt.status !== 'closed' ? h('span', {class: 'muted'}, T('（非本机构的通知）', ' (not your institution\'s notice)')) : null),
            MT.table({id: 'items-' + nt.id.replace(/[^A-Za-z0-9_-]/g, '_'), rows: nt.items || [], pageSize: 50, rowId: function (i) { return i.certificate_id; }, columns: [
              {key: 'certificate_id', zh: '证书', en: 'Certificate', render: function (i) { return idLink('certificates', i.certificate_id); }},
              {key: 'subject_id', zh: '被检/被校对象', en: 'Subject', render: function (i) { return idLink('subjects', i.subject_id); }},
              {key: 'status', zh: '状态', en: 'Status', render: function (i) { return h('span', {'data-item-status': i.status}, badge(say(ITEM_STATUS, i.status), i.status === 'resolved' ? 'ok' : 'warn')); }},
              {key: 'action', zh: '处理', en: 'Action', render: function (i) {
                if (i.status === 'open') return recorder ? resolveForm(nt, i, n, load) : h('span', {class: 'muted'}, '—');
                return [h('span', {'data-action': i.action}, say(ACTION, i.action)), i.replacement_id ? [T(' → ', ' → '), idLink('certificates', i.replacement_id)] : null,
                  i.reason ? h('div', {class: 'muted data'}, i.reason) : null, i.resolved_on ? h('div', {class: 'muted'}, i.resolved_on) : null];
              }}]})));
        });
        MT.show(out, parts);
      }).catch(function (e) { if (MT.current(n)) MT.show(out, MT.errorBox(e)); });
    }
    load();
  };
}());
