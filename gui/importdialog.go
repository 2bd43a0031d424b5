package gui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudcli"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// importDialog imports the hcloud CLI's contexts: it reads cli.toml (core
// never writes it), lists the contexts with what will happen to each, and
// lets core's hcloudcli store the chosen tokens in the keychain through
// the service. Reading and importing run off the UI goroutine, because
// each import makes requests to Hetzner; progress and name conflicts come
// back through the bridge.
type importDialog struct {
	b      *bridge
	parent fyne.Window
	model  *viewModel // to tell ahead which names are taken and which tokens stored
	onDone func([]hcloudcli.Result)

	cfg       *hcloudcli.Config // the file shown; nil until one loaded
	rows      []*importRow      // one per context, in file order
	order     []int             // the rows Import works on, in its order
	loading   bool
	importing bool
	done      bool              // the results are shown; Load starts over
	question  *conflictQuestion // open while Import waits for an answer

	path      *dialogEntry
	loadBtn   *widget.Button
	browseBtn *widget.Button
	errText   *widget.Label
	summary   *widget.Label
	list      *fyne.Container
	progress  *widget.ProgressBar
	progText  *widget.Label
	warning   *fyne.Container // the plain-text warning, once tokens were imported
	importBtn *widget.Button
	closeBtn  *widget.Button
	modal     *modal
}

// importRow is one context of the file.
type importRow struct {
	c      hcloudcli.Context
	check  *widget.Check
	plan   *widget.Label // the token, and what Import will do with it
	result *widget.Label // what it did
	box    fyne.CanvasObject
}

// imported is what the import's goroutine hands back.
type imported struct {
	results []hcloudcli.Result
	warning string // hcloudcli.PlainTextWarning, which looks at the file
}

func newImportDialog(b *bridge, parent fyne.Window, model *viewModel, onDone func([]hcloudcli.Result), onClosed func()) *importDialog {
	d := &importDialog{b: b, parent: parent, model: model, onDone: onDone}
	d.buildUI(onClosed)
	return d
}

func (d *importDialog) buildUI(onClosed func()) {
	d.path = newDialogEntry(false, "Path of the hcloud CLI's cli.toml")
	d.path.OnSubmitted = func(string) { d.onLoad() }
	d.path.onEscape = d.dismiss
	d.loadBtn = widget.NewButtonWithIcon("Load", theme.ViewRefreshIcon(), d.onLoad)
	d.browseBtn = widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), d.onBrowse)
	d.errText = newWrapped("")
	d.errText.Importance = widget.DangerImportance
	d.errText.Hide()
	d.summary = newWrapped("")
	d.list = container.NewVBox()
	d.progress = widget.NewProgressBar()
	d.progress.Hide()
	d.progText = newHint()
	d.progText.Hide()
	d.warning = container.NewStack()
	d.warning.Hide()

	d.closeBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), d.dismiss)
	d.importBtn = widget.NewButtonWithIcon("Import", theme.DownloadIcon(), d.onImport)
	d.importBtn.Importance = widget.HighImportance

	note := newHint()
	note.SetText("CloudMoo only reads this file. Each token is checked with Hetzner, then kept in your system keychain.")
	top := container.NewVBox(
		widget.NewLabelWithStyle("hcloud CLI config", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, container.NewHBox(d.browseBtn, d.loadBtn), d.path),
		note, d.errText, d.summary, d.warning,
	)
	bottom := container.NewVBox(d.progress, d.progText)
	content := container.NewBorder(top, bottom, nil, nil, container.NewVScroll(d.list))
	d.modal = newModal("Import from hcloud CLI", content, []fyne.CanvasObject{d.closeBtn, d.importBtn},
		fyne.NewSize(680, 600), d.parent, onClosed)
	d.sync()
}

// show opens the dialog and reads the hcloud CLI's own config file.
func (d *importDialog) show() {
	d.modal.show()
	d.load("")
}

// dismiss is Cancel and Escape. While Import waits for an answer about a
// name, it skips that context; while Import runs, it cannot be called
// back, so the dialog stays to show the results.
func (d *importDialog) dismiss() {
	switch {
	case d.question != nil:
		d.question.skip()
	case !d.importing:
		d.modal.hide()
	}
}

// submit is Enter: the question's answer, else Import when it may run.
func (d *importDialog) submit() {
	switch {
	case d.question != nil:
		d.question.submit()
	case !d.importBtn.Disabled():
		d.onImport()
	}
}

func (d *importDialog) onLoad() {
	path := strings.TrimSpace(d.path.Text)
	if path == "" {
		d.showError("Enter where your hcloud CLI config (cli.toml) is, then press Load.")
		return
	}
	d.load(path)
}

// onBrowse picks the file in a file dialog, starting where the path
// entry points.
func (d *importDialog) onBrowse() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close() // only its name is wanted; Load reads it again
		d.path.SetText(path)
		d.load(path)
	}, d.parent)
	if dir := filepath.Dir(strings.TrimSpace(d.path.Text)); dir != "." {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			fd.SetLocation(l)
		}
	}
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".toml"}))
	fd.Show()
}

// load reads the file at path, or the hcloud CLI's usual one when path is
// empty, off the UI goroutine: it may sit on a slow or unmounted disk.
func (d *importDialog) load(path string) {
	d.loading, d.done = true, false
	d.setFinished(false)
	d.errText.Hide()
	d.summary.SetText("Reading the hcloud CLI config…")
	d.sync()
	type loaded struct {
		path string
		cfg  *hcloudcli.Config
	}
	background(d.b, func(context.Context) (loaded, error) {
		if path == "" {
			p, err := hcloudcli.DefaultPath()
			if err != nil {
				return loaded{}, err
			}
			path = p
		}
		cfg, err := hcloudcli.Load(path)
		return loaded{path, cfg}, err
	}, func(l loaded, err error) {
		d.loading = false
		if l.path != "" && strings.TrimSpace(d.path.Text) == "" {
			d.path.SetText(l.path)
		}
		if err != nil {
			d.cfg = nil
			d.setRows(nil)
			d.summary.SetText("")
			d.showError(loadErrorText(err, l.path))
		} else {
			d.cfg = l.cfg
			d.setRows(l.cfg.Contexts)
			d.summary.SetText(fileSummary(l.cfg))
		}
		d.sync()
	})
}

// loadErrorText says why a file cannot be imported, in the dialog's terms
// (core's messages name the command line's --config flag).
func loadErrorText(err error, path string) string {
	switch {
	case path == "":
		return "CloudMoo cannot tell where your hcloud CLI config is (" + plain(err.Error()) + "). Enter the path of its cli.toml above and press Load."
	case errors.Is(err, hcloudcli.ErrNotFound):
		return fmt.Sprintf("There is no hcloud CLI config at %s. If yours is elsewhere, enter its path above (or press Choose…) and press Load.", path)
	default:
		return sentence(err.Error()) + " Nothing was imported."
	}
}

// fileSummary says how many contexts the file has and how many can come.
func fileSummary(cfg *hcloudcli.Config) string {
	n, ok := len(cfg.Contexts), len(cfg.Importable())
	if n == 0 {
		return "This file has no contexts; the hcloud CLI creates one with: hcloud context create NAME"
	}
	return fmt.Sprintf("%s in this file; %d can be imported. Choose which:", plural(n, "context", "contexts"), ok)
}

func (d *importDialog) showError(text string) {
	d.errText.SetText(text)
	d.errText.Show()
}

// setRows lists cs, importable ones chosen, the others disabled with why.
func (d *importDialog) setRows(cs []hcloudcli.Context) {
	d.rows = d.rows[:0]
	objs := make([]fyne.CanvasObject, 0, len(cs))
	for _, c := range cs {
		r := &importRow{c: c, plan: newHint(), result: newHint()}
		label := c.Name
		if label == "" {
			label = "(no name)"
		}
		if c.Active {
			label += " — active"
		}
		r.check = widget.NewCheck(label, func(bool) { d.planRow(r); d.sync() })
		r.check.Checked = c.Importable()
		r.result.Hide()
		r.box = container.NewVBox(r.check, r.plan, r.result)
		d.planRow(r)
		d.rows = append(d.rows, r)
		objs = append(objs, r.box)
	}
	d.list.Objects = objs
	d.list.Refresh()
	d.warning.Hide()
	d.progress.Hide()
	d.progText.Hide()
}

// planRow says what Import will do with the row's context.
func (d *importDialog) planRow(r *importRow) {
	c := r.c
	tok := "Token " + tokenMaskText(c.TokenMask) + ": "
	var text string
	switch {
	case !c.Importable():
		setHint(r.plan, "Cannot be imported: "+clause(c.Reason), false)
		r.plan.Importance = widget.WarningImportance
		r.plan.Refresh()
		return
	case !r.check.Checked:
		text = "not chosen; it stays only in the hcloud CLI config."
	case d.holderOf(c.TokenMask) != "":
		text = fmt.Sprintf("the same token seems to be in CloudMoo already, as \"%s\"; nothing will change.", d.holderOf(c.TokenMask))
	case d.model.nameTaken(c.Name, ""):
		text = "will be checked with Hetzner; the name is used already, so CloudMoo will ask you for another."
	default:
		text = "will be checked with Hetzner and saved to your system keychain."
	}
	if c.Endpoint != "" {
		text += " This context uses the API endpoint " + c.Endpoint + "."
	}
	setHint(r.plan, tok+text, false)
}

// holderOf returns the project whose token shows mask, if one does.
func (d *importDialog) holderOf(mask string) string {
	if mask == "" {
		return ""
	}
	i := slices.IndexFunc(d.model.projects, func(p service.ProjectState) bool { return p.TokenMask == mask })
	if i < 0 {
		return ""
	}
	return d.model.projects[i].Name
}

// sync enables what may be pressed now.
func (d *importDialog) sync() {
	idle := !d.loading && !d.importing
	for _, w := range []fyne.Disableable{d.path, d.loadBtn, d.browseBtn} {
		if idle {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	chosen := false
	for _, r := range d.rows {
		if r.c.Importable() && idle && !d.done {
			r.check.Enable()
		} else {
			r.check.Disable()
		}
		chosen = chosen || (r.c.Importable() && r.check.Checked)
	}
	setEnabled(d.importBtn, idle && !d.done && d.cfg != nil && chosen)
	setEnabled(d.closeBtn, !d.importing)
}
