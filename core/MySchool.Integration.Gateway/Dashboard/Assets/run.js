// Live progress: the run as the sync API reports it, once a second, until it ends.
(() => {
  const section = document.getElementById('run');
  const id = section.dataset.run;
  const texts = JSON.parse(section.dataset.statuses);
  async function poll() {
    const response = await fetch(`/api/sync/runs/${id}`, { credentials: 'same-origin' });
    if (!response.ok) return;
    const run = await response.json();
    const written = run.inserted + run.updated + run.deleted;
    document.getElementById('run-status').textContent = texts[run.status] ?? run.status;
    document.getElementById('run-bar').value = Math.round(run.progress * 100);
    document.getElementById('run-progress').textContent = `${Math.round(run.progress * 100)} %`;
    document.getElementById('run-schools').textContent = `${run.schoolsDone} из ${run.schoolsTotal}`;
    document.getElementById('run-written').textContent = written;
    document.getElementById('run-error').textContent = run.error ?? '';
    if (run.startedAt) {
      const seconds = Math.max(1, ((run.finishedAt ? Date.parse(run.finishedAt) : Date.now()) - Date.parse(run.startedAt)) / 1000);
      document.getElementById('run-rate').textContent = `${Math.round(written / seconds)} строк/с`;
      document.getElementById('run-left').textContent = run.finishedAt ? '0 с'
        : run.progress > 0 ? `${Math.round(seconds * (1 - run.progress) / run.progress)} с` : '—';
    }
    if (run.status === 'queued' || run.status === 'running') setTimeout(poll, 1000);
    else if (run.finishedAt) document.getElementById('run-finished').textContent = new Date(run.finishedAt).toLocaleString('ru-RU');
  }
  poll();
})();
