package agent

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// errLocked means another process holds the instance lock.
var errLocked = errors.New("instance lock held by another process")

// maxSocketPath is the longest path a Unix socket address holds, without
// its terminating NUL: sun_path is 108 bytes on Linux (and Windows), 104 on
// macOS and the BSDs.
func maxSocketPath() int {
	switch runtime.GOOS {
	case "linux", "android", "windows":
		return 107
	}
	return 103
}

// SocketPath returns where the agent of configDir listens:
// <configDir>/agent/agent.sock, or, when that is longer than a Unix socket
// address allows, <os.TempDir()>/cloudmoo-<uid>-<hash of configDir>/agent.sock.
// It creates the directory with mode 0700 and narrows a wider one; a
// directory it cannot make private is reported by Listen and Dial.
func SocketPath(configDir string) string {
	dir := filepath.Join(configDir, "agent")
	path := filepath.Join(dir, "agent.sock")
	if len(path) > maxSocketPath() {
		abs, err := filepath.Abs(configDir)
		if err != nil {
			abs = filepath.Clean(configDir)
		}
		sum := sha256.Sum256([]byte(abs))
		name := "cloudmoo-" + hex.EncodeToString(sum[:6])
		if uid := os.Getuid(); uid >= 0 {
			name = "cloudmoo-" + strconv.Itoa(uid) + "-" + hex.EncodeToString(sum[:6])
		}
		dir = filepath.Join(os.TempDir(), name)
		path = filepath.Join(dir, "agent.sock")
	}
	_ = privateDir(dir, true)
	return path
}

// privateDir checks that dir is a directory of this user that others can
// neither enter nor change, since whoever can replace the socket could
// receive tokens. With fix it creates dir (0700) and narrows its mode.
func privateDir(dir string, fix bool) error {
	if fix {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("cannot create the agent's directory %s: %w", dir, err)
		}
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("the agent's directory %s is not a directory (or is a symbolic link); remove it and start CloudMoo again", dir)
	}
	if err := checkOwner(dir, fi); err != nil {
		return err
	}
	if runtime.GOOS == "windows" || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if fix {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("cannot make the agent's directory %s private (chmod 700): %w", dir, err)
		}
		return nil
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("the agent's directory %s can be changed by other users (mode %v); run chmod 700 %s", dir, fi.Mode().Perm(), dir)
	}
	return nil
}

// probeState is what a probe of the socket found.
type probeState int

const (
	probeAbsent  probeState = iota // no socket file
	probeStale                     // a socket file nobody listens on
	probeRunning                   // an agent answered (pid may be 0 if it did not say)
	probeSilent                    // something accepted the connection but did not answer
)

// probe asks whatever listens on path for its status, like a client would,
// and reports the PID of an agent that answered.
func probe(path string, timeout time.Duration) (probeState, int, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return probeAbsent, 0, nil
	}
	conn, err := net.DialTimeout("unix", path, timeout)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		return probeAbsent, 0, nil
	case isRefused(err):
		return probeStale, 0, nil
	default:
		return probeAbsent, 0, fmt.Errorf("cannot tell whether an agent runs on %s: %w", path, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	req, err := http.NewRequest(http.MethodGet, "http://agent/v1/status", nil)
	if err != nil {
		return probeAbsent, 0, err
	}
	req.Header.Set(HeaderProtocol, strconv.Itoa(ProtocolVersion))
	req.Close = true
	if err := req.Write(conn); err != nil {
		return probeSilent, 0, nil
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return probeSilent, 0, nil
	}
	defer resp.Body.Close()
	pid, _ := strconv.Atoi(resp.Header.Get(HeaderPID))
	var st Status
	if resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&st) == nil && st.PID != 0 {
		pid = st.PID
	}
	return probeRunning, pid, nil
}
