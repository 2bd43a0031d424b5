package autostart

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestDesktopEntryExec(t *testing.T) {
	tests := []struct{ exe, exec string }{
		{"/usr/bin/cloudmoo-desktop", "/usr/bin/cloudmoo-desktop agent"},
		{"/opt/Cloud Moo/cloudmoo-desktop", `"/opt/Cloud Moo/cloudmoo-desktop" agent`},
		{"/home/a/100%/cm", "/home/a/100%%/cm agent"},
		// `$` and `"` are escaped inside the quotes; a backslash is escaped
		// for the quotes and again for the string value.
		{`/home/a/$x "q"/cm`, `"/home/a/\\$x \\"q\\"/cm" agent`},
		{`/home/a/b\c/cm`, `"/home/a/b\\\\c/cm" agent`},
	}
	for _, tt := range tests {
		t.Run(tt.exe, func(t *testing.T) {
			got := line(t, DesktopEntry(tt.exe), "Exec")
			if got != tt.exec {
				t.Errorf("Exec=%s\nwant Exec=%s", got, tt.exec)
			}
		})
	}
}

func TestDesktopEntryKeys(t *testing.T) {
	e := DesktopEntry("/usr/bin/cloudmoo-desktop")
	if !strings.HasPrefix(string(e), "[Desktop Entry]\n") {
		t.Fatalf("entry does not start with its group:\n%s", e)
	}
	for key, want := range map[string]string{
		"Type": "Application", "Name": "CloudMoo", "TryExec": "/usr/bin/cloudmoo-desktop",
		"Icon": ID, "Terminal": "false", "NoDisplay": "true", "X-GNOME-Autostart-enabled": "true",
	} {
		if got := line(t, e, key); got != want {
			t.Errorf("%s=%s, want %s", key, got, want)
		}
	}
}

func TestEntryEnabled(t *testing.T) {
	base := string(DesktopEntry("/usr/bin/cloudmoo-desktop"))
	tests := []struct {
		name    string
		content string
		want    bool
	}{
		{"as written", base, true},
		{"hidden by the user", base + "Hidden=true\n", false},
		{"switched off in GNOME's session settings", strings.Replace(base, "X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false", 1), false},
		{"hidden=false", base + "Hidden=false\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := entryEnabled([]byte(tt.content)); got != tt.want {
				t.Errorf("entryEnabled = %v, want %v", got, tt.want)
			}
		})
	}
}

// plist is the subset of a property list the LaunchAgent uses.
type plist struct {
	XMLName xml.Name `xml:"plist"`
	Version string   `xml:"version,attr"`
	Dict    struct {
		Items []struct {
			XMLName xml.Name
			Value   string   `xml:",chardata"`
			Strings []string `xml:"string"`
		} `xml:",any"`
	} `xml:"dict"`
}

func TestLaunchAgentPlist(t *testing.T) {
	exe := "/Applications/Cloud & Moo.app/Contents/MacOS/cloudmoo-desktop"
	var p plist
	if err := xml.Unmarshal(LaunchAgentPlist(exe), &p); err != nil {
		t.Fatalf("the plist is not well-formed XML: %v", err)
	}
	if p.Version != "1.0" {
		t.Errorf("plist version %q", p.Version)
	}
	got := map[string]any{}
	items := p.Dict.Items
	if len(items)%2 != 0 {
		t.Fatalf("dict has %d children; keys and values must pair", len(items))
	}
	for i := 0; i < len(items); i += 2 {
		if items[i].XMLName.Local != "key" {
			t.Fatalf("dict child %d is <%s>, want <key>", i, items[i].XMLName.Local)
		}
		v := items[i+1]
		switch v.XMLName.Local {
		case "string":
			got[items[i].Value] = v.Value
		case "true", "false":
			got[items[i].Value] = v.XMLName.Local == "true"
		case "array":
			got[items[i].Value] = v.Strings
		default:
			t.Fatalf("unexpected <%s>", v.XMLName.Local)
		}
	}
	if got["Label"] != ID || got["RunAtLoad"] != true || got["LimitLoadToSessionType"] != "Aqua" {
		t.Errorf("plist %v", got)
	}
	args, _ := got["ProgramArguments"].([]string)
	if len(args) != 2 || args[0] != exe || args[1] != "agent" {
		t.Errorf("ProgramArguments %q", args)
	}
	if _, ok := got["KeepAlive"]; ok {
		t.Error("KeepAlive would restart the agent after Quit")
	}
}

func TestRunCommand(t *testing.T) {
	if got := RunCommand(`C:\Program Files\CloudMoo\cloudmoo-desktop.exe`); got != `"C:\Program Files\CloudMoo\cloudmoo-desktop.exe" agent` {
		t.Fatalf("RunCommand = %s", got)
	}
}

func line(t *testing.T, entry []byte, key string) string {
	t.Helper()
	for l := range strings.Lines(string(entry)) {
		if k, v, ok := strings.Cut(strings.TrimSuffix(l, "\n"), "="); ok && k == key {
			return v
		}
	}
	t.Fatalf("no %s in\n%s", key, entry)
	return ""
}
