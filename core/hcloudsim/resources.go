package hcloudsim

import (
	"crypto/md5" // #nosec G501 -- Hetzner shows SSH key fingerprints as MD5, not for security
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Kind is a per-project resource collection, named by its path under /v1/.
type Kind string

// The per-project kinds the simulator serves. Catalog collections (images,
// locations, server_types, load_balancer_types) are shared by all projects.
const (
	KindServers         Kind = "servers"
	KindVolumes         Kind = "volumes"
	KindSSHKeys         Kind = "ssh_keys"
	KindNetworks        Kind = "networks"
	KindFirewalls       Kind = "firewalls"
	KindFloatingIPs     Kind = "floating_ips"
	KindPrimaryIPs      Kind = "primary_ips"
	KindLoadBalancers   Kind = "load_balancers"
	KindCertificates    Kind = "certificates"
	KindPlacementGroups Kind = "placement_groups"
)

// resource is one API object. Its JSON is rendered once, at creation, and
// never modified, so responses can share it without copying.
type resource struct {
	id     int64
	name   string
	fields map[string]any
}

// renderFunc builds a resource's JSON; seq numbers resources of a kind
// within a project so derived values (IPs, sizes) are deterministic.
type renderFunc func(id int64, name string, seq int, created time.Time, cat map[string][]*resource) map[string]any

type kindSpec struct {
	name   Kind
	prefix string // generated names are prefix-N
	seed   int    // how many a new project starts with
	render renderFunc
}

// projectKinds says how each kind looks and how many a project starts with.
// A function rather than a package variable keeps the package free of
// mutable globals.
func projectKinds() []kindSpec {
	return []kindSpec{
		{KindServers, "server", 3, renderServer},
		{KindVolumes, "volume", 2, renderVolume},
		{KindSSHKeys, "key", 2, nil}, // built by newSSHKeyLocked
		{KindNetworks, "network", 1, renderNetwork},
		{KindFirewalls, "firewall", 1, renderFirewall},
		{KindFloatingIPs, "floating-ip", 1, renderFloatingIP},
		{KindPrimaryIPs, "primary-ip", 2, renderPrimaryIP},
		{KindLoadBalancers, "lb", 1, renderLoadBalancer},
		{KindCertificates, "cert", 1, renderCertificate},
		{KindPlacementGroups, "spread-group", 1, renderPlacementGroup},
	}
}

func kindInfo(k Kind) *kindSpec {
	kinds := projectKinds()
	for i := range kinds {
		if kinds[i].name == k {
			return &kinds[i]
		}
	}
	return nil
}

// Kinds lists the per-project kinds, in the order the API documents them.
func Kinds() []Kind {
	kinds := projectKinds()
	out := make([]Kind, len(kinds))
	for i, k := range kinds {
		out[i] = k.name
	}
	return out
}

// singular is the JSON key of one item of a collection.
func singular(collection string) string {
	if collection == "ssh_keys" {
		return "ssh_key"
	}
	return strings.TrimSuffix(collection, "s")
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

// pick returns the JSON of the seq-th catalog item of key, cycling, so
// resources spread over locations and types deterministically.
func pick(cat map[string][]*resource, key string, seq int) map[string]any {
	items := cat[key]
	return items[(seq-1)%len(items)].fields
}

// Addresses come from the documentation ranges (RFC 5737, RFC 3849) so demo
// screenshots never show someone's real IP.
func ipv4(block string, id int64) string { return fmt.Sprintf("%s.%d", block, id%254+1) }
func ipv6Net(id int64) string            { return fmt.Sprintf("2001:db8:%x::/64", id%0xffff) }

func base(id int64, name string, created time.Time) map[string]any {
	return map[string]any{"id": id, "name": name, "created": stamp(created), "labels": map[string]string{}}
}

func renderServer(id int64, name string, seq int, created time.Time, cat map[string][]*resource) map[string]any {
	m := base(id, name, created)
	v4 := ipv4("203.0.113", id)
	m["status"] = "running"
	m["public_net"] = map[string]any{
		"ipv4":         map[string]any{"id": id, "ip": v4, "blocked": false, "dns_ptr": "static." + v4 + ".clients.example"},
		"ipv6":         map[string]any{"id": id, "ip": ipv6Net(id), "blocked": false, "dns_ptr": []any{}},
		"floating_ips": []int64{},
		"firewalls":    []any{},
	}
	m["private_net"] = []any{}
	m["server_type"] = pick(cat, "server_types", seq)
	m["location"] = pick(cat, "locations", seq)
	m["image"] = pick(cat, "images", seq)
	m["included_traffic"] = int64(20) << 40
	m["outgoing_traffic"] = int64(seq) << 30
	m["ingoing_traffic"] = int64(seq) << 29
	m["backup_window"] = nil
	m["rescue_enabled"] = false
	m["iso"] = nil
	m["locked"] = false
	m["protection"] = map[string]bool{"delete": false, "rebuild": false}
	m["volumes"] = []int64{}
	m["primary_disk_size"] = 40
	m["placement_group"] = nil
	m["load_balancers"] = []int64{}
	return m
}

func renderVolume(id int64, name string, seq int, created time.Time, cat map[string][]*resource) map[string]any {
	m := base(id, name, created)
	m["server"] = nil
	m["status"] = "available"
	m["location"] = pick(cat, "locations", seq)
	m["size"] = 10 * seq
	m["format"] = "ext4"
	m["protection"] = map[string]bool{"delete": false}
	m["linux_device"] = fmt.Sprintf("/dev/disk/by-id/scsi-0HC_Volume_%d", id)
	return m
}

func renderNetwork(id int64, name string, seq int, created time.Time, _ map[string][]*resource) map[string]any {
	m := base(id, name, created)
	octet := seq % 256
	m["ip_range"] = fmt.Sprintf("10.%d.0.0/16", octet)
	m["subnets"] = []map[string]any{{
		"type": "cloud", "ip_range": fmt.Sprintf("10.%d.0.0/24", octet),
		"network_zone": "eu-central", "gateway": fmt.Sprintf("10.%d.0.1", octet),
	}}
	m["routes"] = []any{}
	m["servers"] = []int64{}
	m["load_balancers"] = []int64{}
	m["protection"] = map[string]bool{"delete": false}
	m["expose_routes_to_vswitch"] = false
	return m
}

func renderFirewall(id int64, name string, _ int, created time.Time, _ map[string][]*resource) map[string]any {
	m := base(id, name, created)
	m["rules"] = []map[string]any{{
		"direction": "in", "source_ips": []string{"0.0.0.0/0", "::/0"}, "destination_ips": []string{},
		"protocol": "tcp", "port": "22", "description": "ssh",
	}}
	m["applied_to"] = []any{}
	return m
}

func renderFloatingIP(id int64, name string, seq int, created time.Time, cat map[string][]*resource) map[string]any {
	m := base(id, name, created)
	ip := ipv4("198.51.100", id)
	m["description"] = nil
	m["ip"] = ip
	m["type"] = "ipv4"
	m["server"] = nil
	m["dns_ptr"] = []map[string]string{{"ip": ip, "dns_ptr": "static." + ip + ".clients.example"}}
	m["home_location"] = pick(cat, "locations", seq)
	m["blocked"] = false
	m["protection"] = map[string]bool{"delete": false}
	return m
}

func renderPrimaryIP(id int64, name string, seq int, created time.Time, cat map[string][]*resource) map[string]any {
	m := base(id, name, created)
	m["ip"] = ipv4("192.0.2", id)
	m["type"] = "ipv4"
	m["protection"] = map[string]bool{"delete": false}
	m["dns_ptr"] = []any{}
	m["assignee_id"] = nil
	m["assignee_type"] = "server"
	m["auto_delete"] = false
	m["blocked"] = false
	m["location"] = pick(cat, "locations", seq)
	return m
}

func renderLoadBalancer(id int64, name string, seq int, created time.Time, cat map[string][]*resource) map[string]any {
	m := base(id, name, created)
	v4 := ipv4("203.0.113", id)
	m["public_net"] = map[string]any{
		"enabled": true,
		"ipv4":    map[string]any{"ip": v4, "dns_ptr": "static." + v4 + ".clients.example"},
		"ipv6":    map[string]any{"ip": strings.TrimSuffix(ipv6Net(id), "/64") + "1", "dns_ptr": "lb.example"},
	}
	m["private_net"] = []any{}
	m["location"] = pick(cat, "locations", seq)
	m["load_balancer_type"] = pick(cat, "load_balancer_types", seq)
	m["protection"] = map[string]bool{"delete": false}
	m["services"] = []any{}
	m["targets"] = []any{}
	m["algorithm"] = map[string]string{"type": "round_robin"}
	m["included_traffic"] = int64(20) << 40
	m["outgoing_traffic"] = nil
	m["ingoing_traffic"] = nil
	return m
}

func renderCertificate(id int64, name string, _ int, created time.Time, _ map[string][]*resource) map[string]any {
	m := base(id, name, created)
	m["type"] = "uploaded"
	m["certificate"] = "-----BEGIN CERTIFICATE-----\nc2ltdWxhdGVk\n-----END CERTIFICATE-----\n"
	m["not_valid_before"] = stamp(created)
	m["not_valid_after"] = stamp(created.AddDate(0, 3, 0))
	m["domain_names"] = []string{name + ".example.com"}
	m["fingerprint"] = fingerprint(name)
	m["status"] = nil
	m["used_by"] = []any{}
	return m
}

func renderPlacementGroup(id int64, name string, _ int, created time.Time, _ map[string][]*resource) map[string]any {
	m := base(id, name, created)
	m["servers"] = []int64{}
	m["type"] = "spread"
	return m
}

// newSSHKeyLocked builds an SSH key; labels may be nil.
func (s *Server) newSSHKeyLocked(name, publicKey string, labels map[string]string, created time.Time) *resource {
	id := s.newIDLocked()
	m := base(id, name, created)
	if labels != nil {
		m["labels"] = labels
	}
	m["public_key"] = publicKey
	m["fingerprint"] = fingerprint(publicKey)
	return &resource{id: id, name: name, fields: m}
}

// fakePublicKey is a well-formed ed25519 public key line derived from name;
// it is not a usable key, which is all a simulator needs.
func fakePublicKey(name string) string {
	sum := sha256.Sum256([]byte(name))
	blob := append([]byte("\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"), sum[:]...)
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " " + name
}

// fingerprint formats like Hetzner's MD5 fingerprints (aa:bb:…).
func fingerprint(s string) string {
	sum := md5.Sum([]byte(s)) // #nosec G401
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":")
}
