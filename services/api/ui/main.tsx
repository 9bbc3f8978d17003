import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { RunPage } from './run-page.tsx';
import { RunsPage } from './runs-page.tsx';
import './styles.css';

/** `#/` lists runs; `#/runs/<id>` shows one. The hash keeps every page on `/`, so one route serves them all. */
function App() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  const run = /^#\/runs\/([0-9a-fA-F-]{36})$/.exec(hash);
  useEffect(() => {
    document.title = run ? `Run ${run[1].slice(0, 8)} · genie-enhancer` : 'Runs · genie-enhancer';
  }, [hash]);
  return (
    <>
      <header class="top">
        <a href="#/" class="brand">genie-enhancer</a>
        <nav>
          <a href="#/">Runs</a>
          <a href="/admin/queues">Queues</a>
          <a href="/docs">API</a>
        </nav>
      </header>
      <main>{run ? <RunPage id={run[1]} key={run[1]} /> : <RunsPage />}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
