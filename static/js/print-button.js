// Show the print buttons (hidden without JavaScript) and print the page on click.
document.querySelectorAll("[data-print-page]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
