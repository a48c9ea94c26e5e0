// TypeDoc plugin of `npm run docs` (typedoc.json): the index page shows the README without its
// first heading, which only repeats the project name TypeDoc already shows as the page title.

import { MarkdownEvent } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(MarkdownEvent.PARSE, (event) => {
    if (event.page.url !== 'index.html') return;
    // parsedText is the rendered HTML: a leading <h1> whose text is the project name goes.
    const first = /^<h1\b[^>]*>([^<]*)[\s\S]*?<\/h1>\s*/.exec(event.parsedText);
    if (first && first[1].trim() === app.options.getValue('name'))
      event.parsedText = event.parsedText.slice(first[0].length);
  });
}
