/// The report's stylesheet: a plain, printable page in the system's sans-serif font.
enum ReportStyle {
  static let css = """
    :root { --ink: #1d1d1b; --muted: #5b5b5b; --line: #d0d0d0; --accent: #0b4f6c; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
           color: var(--ink); background: #fff; }
    main { max-width: 1240px; margin: 0 auto; padding: 0 24px 48px; }
    header.report { background: var(--accent); color: #fff; padding: 20px 24px; }
    header.report h1 { margin: 0 0 4px; font-size: 26px; }
    header.report p { margin: 0; opacity: 0.9; }
    .banner { margin: 16px 0; padding: 12px 16px; border-radius: 4px; border: 2px solid; }
    .banner strong { font-size: 17px; }
    .banner.controlled { border-color: #2e7d32; background: #edf7ee; }
    .banner.unsuppressed { border-color: #b00020; background: #fdecea; color: #7f0015; }
    .banner.uncontrolled { border-color: #c77700; background: #fff4e5; }
    #report-errors { margin: 16px 0; padding: 12px 16px; border: 2px solid #b00020; background: #fdecea; }
    nav.contents { margin: 8px 0 16px; color: var(--muted); }
    nav.contents a { color: var(--accent); margin-right: 12px; }
    h2 { margin: 36px 0 6px; font-size: 21px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
    h3 { margin: 18px 0 6px; font-size: 16px; }
    p.lead { color: var(--muted); margin-top: 0; }
    .maps { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
    figure { margin: 0; }
    figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
    div.map { height: 430px; border: 1px solid var(--line); background: #f4f6f8; }
    .legend { background: rgba(255, 255, 255, 0.92); padding: 6px 8px; border-radius: 4px; font-size: 12px;
              line-height: 1.5; box-shadow: 0 0 4px rgba(0, 0, 0, 0.3); }
    .legend strong { display: block; margin-bottom: 2px; }
    .swatch { display: inline-block; width: 14px; height: 12px; margin-right: 6px; border: 1px solid #666;
              vertical-align: -1px; }
    .funnel-row { display: grid; grid-template-columns: 660px 1fr; gap: 20px; align-items: start; margin-top: 16px; }
    .facts { border-left: 3px solid var(--line); padding-left: 14px; }
    .facts dt { color: var(--muted); font-size: 13px; }
    .facts dd { margin: 0 0 8px; font-weight: 600; }
    table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 8px; }
    th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; }
    th { background: #f2f2f2; position: sticky; top: 0; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    td.suppressed { text-align: right; color: #6a1b9a; font-weight: 700; }
    details { margin-top: 12px; }
    summary { cursor: pointer; color: var(--accent); font-weight: 600; }
    .methods p, .methods li { max-width: 78ch; }
    pre.licence { white-space: pre-wrap; font-size: 11px; background: #f7f7f7; padding: 8px; max-height: 240px;
                  overflow: auto; border: 1px solid var(--line); }
    @media (max-width: 900px) { .maps, .funnel-row { grid-template-columns: 1fr; } }
    @media print { details { display: block; } div.map { break-inside: avoid; } }
    """
}
