// sellerhealth dashboard: sort tables by a click on a header, copy drafts to the clipboard.
// Every figure is rendered by the server; nothing here computes one.
"use strict";

function cellValue(row, index) {
  const cell = row.cells[index];
  if (!cell) return "";
  const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  const number = Number.parseFloat(raw.replace(/[%,h]/g, ""));
  return Number.isNaN(number) || !/^[-+]?[\d.]/.test(raw) ? raw.toLowerCase() : number;
}

function sortBy(table, header) {
  const index = Array.from(header.parentNode.children).indexOf(header);
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  for (const th of header.parentNode.children) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = cellValue(a, index);
    const y = cellValue(b, index);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  });
  for (const row of rows) body.appendChild(row);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table.sortable")) {
    for (const header of table.tHead.rows[0].cells) {
      header.addEventListener("click", () => sortBy(table, header));
    }
  }
  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", async (event) => {
      event.preventDefault();
      const target = document.getElementById(button.dataset.copy);
      if (!target || !navigator.clipboard) return;
      await navigator.clipboard.writeText(target.textContent);
      button.textContent = "copied";
      setTimeout(() => { button.textContent = "copy"; }, 1500);
    });
  }
});
