package gui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudcli"
)

// This file runs the import for importDialog: Import works on its own
// goroutine; its progress, its questions about taken names and its
// results reach the dialog through the bridge.

// onImport imports the chosen contexts.
func (d *importDialog) onImport() {
	var names []string
	for _, r := range d.rows {
		if r.c.Importable() && r.check.Checked && !slices.Contains(names, r.c.Name) {
			names = append(names, r.c.Name)
		}
	}
	if len(names) == 0 || d.cfg == nil {
		return
	}
	// Import takes every context with a chosen name, in file order: a
	// later one with the same name comes too, and is skipped by it.
	d.order = d.order[:0]
	for i, r := range d.rows {
		if slices.Contains(names, r.c.Name) {
			d.order = append(d.order, i)
		}
	}
	d.importing = true
	d.errText.Hide()
	d.progress.SetValue(0)
	d.progress.Show()
	d.progText.Show()
	d.sync()
	cfg := d.cfg
	opts := hcloudcli.Options{
		Contexts: names,
		Resolve:  d.resolve,
		Progress: func(p hcloudcli.Progress) { d.b.send(func() { d.onProgress(p) }) },
	}
	background(d.b, func(ctx context.Context) (imported, error) {
		results, err := hcloudcli.Import(ctx, d.b.svc, cfg, opts)
		return imported{results, hcloudcli.PlainTextWarning(cfg.Path)}, err
	}, d.onImported)
}

// resolve is Import's Resolver. It runs on Import's goroutine, which
// waits here until the user answers on the UI goroutine.
func (d *importDialog) resolve(c hcloudcli.Context, existing string) (string, bool) {
	a := ask(d.b, func(reply func(conflictAnswer)) { d.askConflict(c, existing, reply) }, conflictAnswer{skip: true})
	return a.name, a.skip
}

func (d *importDialog) askConflict(c hcloudcli.Context, existing string, reply func(conflictAnswer)) {
	var q *conflictQuestion
	q = newConflictQuestion(d.parent, c, existing, func(name string) bool { return d.model.nameTaken(name, "") }, reply,
		func() {
			if d.question == q {
				d.question = nil
			}
		})
	d.question = q
	d.progText.SetText(fmt.Sprintf("\"%s\": its name is taken. Waiting for your answer…", c.Name))
	q.show()
}

// onProgress shows Import's progress: the row it works on, then its result.
func (d *importDialog) onProgress(p hcloudcli.Progress) {
	i := p.Done
	if p.Result != nil {
		i--
	}
	if p.Total > 0 {
		d.progress.SetValue(float64(p.Done) / float64(p.Total))
	}
	if i < 0 || i >= len(d.order) {
		return
	}
	r := d.rows[d.order[i]]
	if p.Result == nil {
		d.progText.SetText(fmt.Sprintf("Importing \"%s\" (%d of %d)…", p.Context.Name, i+1, p.Total))
		setHint(r.result, "Importing…", false)
		return
	}
	r.showResult(*p.Result)
}

// showResult says what happened to the row's context.
func (r *importRow) showResult(res hcloudcli.Result) {
	setHint(r.result, sentence(res.Message), res.Outcome.Failed())
	switch res.Outcome {
	case hcloudcli.OutcomeImported, hcloudcli.OutcomeAlreadyPresent:
		r.result.Importance = widget.SuccessImportance
	case hcloudcli.OutcomeUnchecked:
		r.result.Importance = widget.WarningImportance
	}
	r.result.TextStyle.Bold = true
	r.result.Refresh()
}

// onImported shows the results and, once tokens are in the keychain, that
// they are still in cli.toml too.
func (d *importDialog) onImported(im imported, err error) {
	d.importing, d.done = false, true
	defer d.sync()
	// The summary at the top says it all now; the room goes to the
	// results, which replace what was planned.
	d.progress.Hide()
	d.progText.Hide()
	if err != nil {
		d.showError(sentence(err.Error()))
		return
	}
	for _, r := range d.rows {
		r.plan.Hide()
	}
	for k, res := range im.results {
		if k < len(d.order) {
			d.rows[d.order[k]].showResult(res)
		}
	}
	skipped := 0
	for i, r := range d.rows {
		if slices.Contains(d.order, i) {
			continue
		}
		if !r.c.Importable() {
			skipped++
			setHint(r.result, "Skipped: "+clause(r.c.Reason), false)
		} else {
			setHint(r.result, "Not imported: you did not choose it.", false)
		}
	}
	d.summary.SetText(importSummary(im.results, skipped))
	if stored(im.results) > 0 {
		d.warning.Objects = []fyne.CanvasObject{newCard(theme.ColorNameWarning, theme.NewWarningThemedResource(theme.WarningIcon()),
			"The tokens are still in the hcloud CLI config, in plain text", im.warning, nil)}
		d.warning.Show()
		d.warning.Refresh()
	}
	d.setFinished(true)
	d.onDone(im.results)
}

// setFinished makes Done the button to press once the results are shown,
// and Import again once another file is loaded.
func (d *importDialog) setFinished(finished bool) {
	text, icon := "Cancel", theme.CancelIcon()
	closeImp, importImp := widget.MediumImportance, widget.HighImportance
	if finished {
		text, icon = "Done", theme.ConfirmIcon()
		closeImp, importImp = widget.HighImportance, widget.MediumImportance
	}
	d.closeBtn.Text, d.closeBtn.Icon, d.closeBtn.Importance = text, icon, closeImp
	d.importBtn.Importance = importImp
	d.closeBtn.Refresh()
	d.importBtn.Refresh()
}

// stored counts the results whose token is in the keychain now.
func stored(results []hcloudcli.Result) int {
	n := 0
	for _, r := range results {
		switch r.Outcome {
		case hcloudcli.OutcomeImported, hcloudcli.OutcomeUnchecked, hcloudcli.OutcomeAlreadyPresent:
			n++
		}
	}
	return n
}

// importSummary sums up an import in a line; skipped counts the contexts
// that could not be chosen.
func importSummary(results []hcloudcli.Result, skipped int) string {
	count := map[hcloudcli.Outcome]int{}
	failed := 0
	for _, r := range results {
		count[r.Outcome]++
		if r.Outcome.Failed() {
			failed++
		}
	}
	parts := []string{"No new project imported from the hcloud CLI"}
	if n := count[hcloudcli.OutcomeImported] + count[hcloudcli.OutcomeUnchecked]; n > 0 {
		parts[0] = fmt.Sprintf("Imported %s from the hcloud CLI", plural(n, "project", "projects"))
	}
	if n := count[hcloudcli.OutcomeUnchecked]; n > 0 {
		parts[0] += fmt.Sprintf(" (%d unchecked until Hetzner can be reached)", n)
	}
	if n := count[hcloudcli.OutcomeAlreadyPresent]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d already in CloudMoo", n))
	}
	if n := count[hcloudcli.OutcomeSkipped] + skipped; n > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", n))
	}
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d not imported (see each one for what to do)", failed))
	}
	return strings.Join(parts, "; ") + "."
}

// clause ends s with a full stop, for text that follows a lead-in such
// as "Skipped: " and so keeps its lower-case start.
func clause(s string) string {
	s = plain(strings.TrimSpace(s))
	if s != "" && !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// plural writes n with the noun's singular or plural.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
