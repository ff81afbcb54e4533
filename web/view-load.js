// Loading a view's data when answers can arrive out of order: switching to a view and pressing
// its Reload (or Show) at once sends two requests, and the older answer may come back last.

/**
 * Returns `load(fetchData, show, fail)` for one view: only the answer to the latest call is shown
 * (or its error reported); an older answer is dropped. The view carries aria-busy="true" from the
 * first request until the latest answer is shown, so assistive technology (and the browser tests)
 * can tell a settled view from one still loading. `load.pending()` says whether one is under way;
 * `load.drop()` drops every answer still to come (on sign-out: none may reach the next session).
 */
export function latestOnly(view) {
  let latest = 0;
  let running = 0;
  async function load(fetchData, show, fail) {
    const mine = ++latest;
    running++;
    view.setAttribute('aria-busy', 'true'); // before the first await: set when the request leaves
    try {
      const data = await fetchData();
      if (mine === latest) show(data);
    } catch (err) {
      if (mine === latest) fail(err);
    } finally {
      running--;
      if (running === 0) view.setAttribute('aria-busy', 'false');
    }
  }
  load.pending = () => running > 0;
  load.drop = () => { latest++; };
  return load;
}
