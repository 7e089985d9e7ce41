// The language menu submits itself when a language is chosen (a static file: the Content Security Policy
// allows no inline script). Without JavaScript the form's own button does it.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.name === "language" && select.form?.classList.contains("lang")) {
    select.form.requestSubmit();
  }
});
