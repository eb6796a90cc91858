// On a phone the top menu folds into one button (app.css, max-width 600px); without
// JavaScript it simply stays unfolded.
(function () {
  const header = document.querySelector("header.top");
  const toggle = header && header.querySelector(".menu-toggle");
  if (!toggle) return;
  header.classList.add("compact");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    const open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
})();
