// Live progress: the run as the sync API reports it, once a second, until it ends. Every figure the page shows is
// refreshed here, in the server's own forms: numbers grouped, instants in Moscow time (dd.MM.yyyy HH:mm МСК).
(() => {
  const section = document.getElementById('run');
  const id = section.dataset.run;
  const texts = JSON.parse(section.dataset.statuses);
  const number = value => value.toLocaleString('ru-RU');
  const moscow = new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Europe/Moscow', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  });
  const when = instant => instant ? `${moscow.format(new Date(instant)).replace(',', '')} МСК` : '—';
  const duration = seconds => seconds < 60 ? `${Math.round(seconds)} с`
    : seconds < 3600 ? `${Math.floor(seconds / 60)} мин ${Math.round(seconds % 60)} с`
    : `${Math.floor(seconds / 3600)} ч ${Math.floor(seconds % 3600 / 60)} мин`;
  const show = (element, text) => { document.getElementById(element).textContent = text; };
  const cell = (row, text, className) => {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };
  // The per-school table, rebuilt from the API's rows as the server renders it (text only, never markup).
  async function showSchools() {
    const response = await fetch(`/api/sync/runs/${id}/schools`, { credentials: 'same-origin' });
    if (!response.ok) return;
    const schools = await response.json();
    const body = document.querySelector('#run-schools-table tbody');
    if (schools.length === 0) return;
    body.replaceChildren();
    for (const school of schools) {
      const row = body.insertRow();
      if (!school.succeeded) row.className = 'bad';
      const name = cell(row, '');
      if (school.schoolId) {
        const link = document.createElement('a');
        link.href = `/schools/${school.schoolId}`;
        link.textContent = school.name?.trim() ? school.name : '(без названия)';
        name.append(link);
      } else name.textContent = school.sourceId;
      cell(row, school.succeeded ? 'успешно' : 'ошибка');
      for (const counter of ['read', 'written']) cell(row, number(school[counter]), 'number');
      const quarantined = cell(row, school.quarantined > 0 ? '' : number(school.quarantined), 'number');
      if (school.quarantined > 0) {
        const link = document.createElement('a');
        link.href = `/quarantine?scope=${encodeURIComponent(`${section.dataset.region}/${school.sourceId}`)}`;
        link.textContent = number(school.quarantined);
        quarantined.append(link);
      }
      cell(row, school.startedAt ? duration(Math.max(0, (Date.parse(school.finishedAt) - Date.parse(school.startedAt)) / 1000)) : '—', 'number');
      cell(row, school.error ?? '');
    }
  }
  async function poll() {
    const response = await fetch(`/api/sync/runs/${id}`, { credentials: 'same-origin' });
    if (!response.ok) return;
    const run = await response.json();
    const written = run.inserted + run.updated + run.deleted;
    const going = run.status === 'queued' || run.status === 'running';
    show('run-status', texts[run.status] ?? run.status);
    document.getElementById('run-bar').value = Math.round(run.progress * 100);
    show('run-progress', `${Math.round(run.progress * 100)} %`);
    show('run-schools', run.schoolsTotal > 0 ? `${number(run.schoolsDone)} из ${number(run.schoolsTotal)}` : '—');
    show('run-written', number(written));
    for (const counter of ['read', 'inserted', 'updated', 'deleted', 'quarantined']) show(`run-${counter}`, number(run[counter]));
    show('run-started', when(run.startedAt));
    show('run-finished', when(run.finishedAt));
    show('run-error', run.error ?? '');
    if (run.startedAt) {
      const seconds = Math.max(1, ((run.finishedAt ? Date.parse(run.finishedAt) : Date.now()) - Date.parse(run.startedAt)) / 1000);
      show('run-duration', duration(seconds));
      show('run-rate', `${number(Math.round(run.read / seconds))} прочитано и ${number(Math.round(written / seconds))} записано строк/с`);
      show('run-left', !going ? '—' : run.progress > 0 ? duration(seconds * (1 - run.progress) / run.progress) : '—');
    }
    await showSchools();
    if (going) setTimeout(poll, 1000);
    else document.getElementById('cancel-run')?.closest('form')?.remove(); // nothing left to cancel
  }
  poll();
})();
