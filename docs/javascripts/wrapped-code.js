// A code line too long for the screen wraps; its continuation starts two
// characters right of the line's own indentation (extra.css sets the rest),
// so wrapped code keeps its shape instead of appearing to dedent.
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset pre > code > span[id^='__span']").forEach(function (line) {
    var indent = Math.min(line.textContent.match(/^[-+]? */)[0].length, 16) + 2;  // a phone keeps room
    line.style.paddingLeft = indent + "ch";
    line.style.textIndent = -indent + "ch";
  });
});
