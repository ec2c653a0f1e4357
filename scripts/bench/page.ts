/**
 * docs/performance.md keeps its figures between two markers; `npm run bench -- --write
 * docs/performance.md` replaces what is between them with the run's table, so the page's numbers
 * always come from the command that measures them. The prose around them is kept.
 */
export const BEGIN = "<!-- npm run bench: begin (generated, do not edit) -->";
export const END = "<!-- npm run bench: end -->";

/** The page with the block between the markers replaced; an error when the markers are missing. */
export function replaceMeasured(page: string, block: string): string {
  const begin = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`no "${BEGIN}" ... "${END}" block to replace`);
  return `${page.slice(0, begin + BEGIN.length)}\n${block.trim()}\n${page.slice(end)}`;
}
