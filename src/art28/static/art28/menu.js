// The site menu folds away behind a "Menu" button on narrow screens (art28.css, max-width 600px), so a
// phone shows the page, not a screenful of links. A static file: the Content Security Policy allows no
// inline script. Without JavaScript the button stays hidden and the menu stays open.
(() => {
  const toggle = document.querySelector("button.menu-toggle");
  const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !menu) return;
  const narrow = window.matchMedia("(max-width: 600px)");
  const show = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("collapsed", !open);
  };
  toggle.hidden = false;
  show(!narrow.matches);
  narrow.addEventListener("change", () => show(!narrow.matches));
  toggle.addEventListener("click", () => show(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && narrow.matches && toggle.getAttribute("aria-expanded") === "true") {
      show(false);
      toggle.focus();
    }
  });
})();
