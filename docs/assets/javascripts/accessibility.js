// Accessibility fixes over the theme's markup, each for a violation that
// axe-core reports (tests/site/test_pages_in_browser.py checks every page).
(() => {
  "use strict";

  // A region that scrolls sideways (a wide table on a phone, a notebook cell)
  // must be reachable with the keyboard so that it can be scrolled with the
  // arrow keys: give it a place in the tab order unless something in it
  // already has one.
  function focusableScrollers() {
    document.querySelectorAll(".md-content *").forEach((el) => {
      const overflow = getComputedStyle(el).overflowX;
      if (
        (overflow === "auto" || overflow === "scroll") &&
        el.scrollWidth > el.clientWidth &&
        el.tabIndex < 0 &&
        !el.querySelector("a, button, input, select, textarea, [tabindex]")
      ) {
        el.tabIndex = 0;
      }
    });
  }

  function fix() {
    // The search box is a dialog: it needs a name for screen readers.
    const search = document.querySelector(".md-search[role=dialog]");
    if (search) search.setAttribute("aria-label", "Search");
    focusableScrollers();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fix);
  else fix();
  window.addEventListener("load", focusableScrollers); // after pictures and fonts have their size
  window.addEventListener("resize", focusableScrollers);
})();
