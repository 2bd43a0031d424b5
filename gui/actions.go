package gui

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudcli"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// This file holds the window's handlers for what the user asks: each opens
// a dialog or runs a service call through the bridge, with progress shown
// in the status bar while it runs.

// selectedState returns the selected project, if any.
func (w *MainWindow) selectedState() (service.ProjectState, bool) {
	return w.model.find(w.selected)
}

// openDialog makes part the open dialog, so Escape, Enter and the
// shortcuts know about it.
func (w *MainWindow) openDialog(part modalPart) { w.open = part }

// closed forgets part once it closes.
func (w *MainWindow) closed(part modalPart) {
	if w.open == part {
		w.open = nil
	}
}

// onAdd opens the Add project dialog (Ctrl/Cmd+N).
func (w *MainWindow) onAdd() {
	if w.open != nil || !w.model.loaded {
		return
	}
	var d *tokenDialog
	d = newTokenDialog(w.bridge, w.win, nil,
		func(name string) bool { return w.model.nameTaken(name, "") },
		func(st service.ProjectState) {
			w.selected = st.ID
			w.setStatus(fmt.Sprintf("Added \"%s\" (%s); its token is in the system keychain.", st.Name, st.Permission.Label()))
			w.refresh()
		},
		func() { w.closed(d) })
	w.openDialog(d)
	d.show()
}

// onImport opens the Import from hcloud CLI dialog (the toolbar and the
// empty state).
func (w *MainWindow) onImport() {
	if w.open != nil || !w.model.loaded {
		return
	}
	var d *importDialog
	d = newImportDialog(w.bridge, w.win, &w.model, func(results []hcloudcli.Result) {
		w.setStatus(importSummary(results, 0))
	}, func() { w.closed(d) })
	w.openDialog(d)
	d.show()
}

// onReplace opens the Replace token dialog for the selected project.
func (w *MainWindow) onReplace() {
	st, ok := w.selectedState()
	if w.open != nil || !ok {
		return
	}
	var d *tokenDialog
	d = newTokenDialog(w.bridge, w.win, &st, nil,
		func(st service.ProjectState) {
			w.setStatus(fmt.Sprintf("Replaced the token of \"%s\" (now %s, %s). Delete the old token in the Hetzner Console.", st.Name, st.TokenMask, st.Permission.Label()))
			w.refresh()
		},
		func() { w.closed(d) })
	w.openDialog(d)
	d.show()
}

// onRename opens the Rename dialog for the selected project.
func (w *MainWindow) onRename() {
	st, ok := w.selectedState()
	if w.open != nil || !ok {
		return
	}
	var d *renameDialog
	d = newRenameDialog(w.bridge, w.win, st, w.model.nameTaken,
		func(st service.ProjectState) {
			w.setStatus(fmt.Sprintf("Renamed to \"%s\".", st.Name))
			w.refresh()
		},
		func() { w.closed(d) })
	w.openDialog(d)
	d.show()
}

// onRemove asks before removing the selected project (Delete).
func (w *MainWindow) onRemove() {
	st, ok := w.selectedState()
	if w.open != nil || !ok {
		return
	}
	var d *removeDialog
	d = newRemoveDialog(w.bridge, w.win, st, func(err error) {
		if err != nil {
			w.showError("The project was not removed cleanly", err)
			return
		}
		w.setStatus(fmt.Sprintf("Removed \"%s\" and its keychain entry.", st.Name))
	}, func() { w.closed(d) })
	w.openDialog(d)
	d.show()
}

// onSettings opens the Settings dialog.
func (w *MainWindow) onSettings() {
	if w.open != nil || !w.model.loaded {
		return
	}
	var d *settingsDialog
	d = newSettingsDialog(w.bridge, w.win, w.opts.Version, w.model.settings, func(project.Settings) {
		w.setStatus("Settings saved.")
	}, func() { w.closed(d) })
	w.openDialog(d)
	d.show()
}

// onCheckAll checks every project now (Ctrl/Cmd+R).
func (w *MainWindow) onCheckAll() {
	if w.open != nil || len(w.model.projects) == 0 || w.inflight[""] > 0 {
		return
	}
	n := len(w.model.projects)
	w.runAction("", fmt.Sprintf("Checking %d projects…", n), func(ctx context.Context) (string, error) {
		states, err := w.bridge.svc.CheckNow(ctx)
		return summarise(states), err
	})
}

// onCheckNow checks the selected project now.
func (w *MainWindow) onCheckNow() {
	st, ok := w.selectedState()
	if !ok {
		return
	}
	w.runAction(st.ID, fmt.Sprintf("Checking \"%s\"…", st.Name), func(ctx context.Context) (string, error) {
		states, err := w.bridge.svc.CheckNow(ctx, st.ID)
		return summarise(states), err
	})
}

// onDetect probes the selected project's permission again.
func (w *MainWindow) onDetect() {
	st, ok := w.selectedState()
	if !ok {
		return
	}
	w.runAction(st.ID, fmt.Sprintf("Detecting the permission of \"%s\"…", st.Name), func(ctx context.Context) (string, error) {
		got, err := w.bridge.svc.DetectPermission(ctx, st.ID)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("The token of \"%s\" has the permission %s.", got.Name, got.Permission.Label()), nil
	})
}

// summarise words the result of a check.
func summarise(states []service.ProjectState) string {
	if len(states) == 1 {
		st := states[0]
		return fmt.Sprintf("Checked \"%s\": %s.", st.Name, lookOf(st.Status).word)
	}
	problems := 0
	for _, st := range states {
		if lookOf(st.Status).kind == kindProblem {
			problems++
		}
	}
	if problems == 0 {
		return fmt.Sprintf("Checked %d projects: no problems.", len(states))
	}
	return fmt.Sprintf("Checked %d projects: %d with a problem (see the list).", len(states), problems)
}

// runAction runs work for project id ("" = all) off the UI goroutine, with
// progress in the status bar and that project's buttons locked meanwhile.
func (w *MainWindow) runAction(id, what string, work func(context.Context) (string, error)) {
	w.inflight[id]++
	w.busy++
	w.activity.Show()
	w.activity.Start()
	w.setStatus(what)
	w.refresh()
	background(w.bridge, work, func(done string, err error) {
		w.inflight[id]--
		w.busy--
		if w.busy == 0 {
			w.activity.Stop()
			w.activity.Hide()
		}
		switch {
		case errors.Is(err, context.Canceled):
			w.setStatus("")
		case err != nil:
			w.setStatus("")
			w.showError("That did not work", err)
		default:
			w.setStatus(done)
		}
		w.refresh()
	})
}

// setStatus shows a line in the status bar.
func (w *MainWindow) setStatus(text string) { w.status.SetText(text) }

// showError tells what went wrong and what to do, in a dialog.
func (w *MainWindow) showError(title string, err error) {
	w.setStatus(sentence(err.Error()))
	if w.open != nil {
		return // the status bar has it; do not stack dialogs
	}
	var d *messageDialog
	d = newMessageDialog(title, sentence(err.Error()), w.win, func() { w.closed(d) })
	w.openDialog(d)
	d.modal.show()
}
