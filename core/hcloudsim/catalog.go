package hcloudsim

import (
	"strings"
	"time"
)

// newCatalog builds the collections every project sees alike: locations,
// server types, images and load balancer types. IDs and names follow
// Hetzner's where they are public; figures are plausible, not authoritative.
func newCatalog() map[string][]*resource {
	locations := []*resource{
		location(1, "fsn1", "Falkenstein DC Park 1", "DE", "Falkenstein", 50.47612, 12.370071, "eu-central"),
		location(2, "nbg1", "Nuremberg DC Park 1", "DE", "Nuremberg", 49.452102, 11.076665, "eu-central"),
		location(3, "hel1", "Helsinki DC Park 1", "FI", "Helsinki", 60.169855, 24.938379, "eu-central"),
		location(4, "ash", "Ashburn, VA", "US", "Ashburn, VA", 39.045821, -77.487073, "us-east"),
		location(5, "hil", "Hillsboro, OR", "US", "Hillsboro, OR", 45.54222, -122.95128, "us-west"),
		location(6, "sin", "Singapore", "SG", "Singapore", 1.283333, 103.833333, "ap-southeast"),
	}
	var euLocations []map[string]any
	for _, l := range locations[:3] {
		euLocations = append(euLocations, map[string]any{
			"id": l.id, "name": l.name, "deprecation": nil,
		})
	}
	serverTypes := []*resource{
		serverType(114, "cx23", "CX23", "cost_optimized", 2, 4, 40, "shared", "x86", euLocations),
		serverType(115, "cpx22", "CPX22", "regular_purpose", 2, 4, 80, "shared", "x86", euLocations),
		serverType(45, "cax11", "CAX11", "cost_optimized", 2, 4, 40, "shared", "arm", euLocations),
		serverType(96, "ccx13", "CCX13", "general_purpose", 2, 8, 80, "dedicated", "x86", euLocations),
	}
	released := time.Date(2024, 4, 25, 0, 0, 0, 0, time.UTC)
	images := []*resource{
		image(161547269, "ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "24.04", "x86", released),
		image(114690387, "debian-12", "Debian 12", "debian", "12", "x86", released),
		image(242144006, "fedora-42", "Fedora 42", "fedora", "42", "x86", released),
		image(103908070, "ubuntu-24.04-arm", "Ubuntu 24.04", "ubuntu", "24.04", "arm", released),
	}
	lbTypes := []*resource{
		lbType(1, "lb11", 10000, 5, 25, 10),
		lbType(2, "lb21", 20000, 15, 75, 25),
		lbType(3, "lb31", 40000, 30, 150, 50),
	}
	return map[string][]*resource{
		"locations":           locations,
		"server_types":        serverTypes,
		"images":              images,
		"load_balancer_types": lbTypes,
	}
}

func location(id int64, name, desc, country, city string, lat, lon float64, zone string) *resource {
	return &resource{id: id, name: name, fields: map[string]any{
		"id": id, "name": name, "description": desc, "country": country, "city": city,
		"latitude": lat, "longitude": lon, "network_zone": zone,
	}}
}

func serverType(id int64, name, desc, category string, cores int, memory float32, disk int,
	cpu, arch string, locations []map[string]any) *resource {
	return &resource{id: id, name: name, fields: map[string]any{
		"id": id, "name": name, "description": desc, "category": category,
		"cores": cores, "memory": memory, "disk": disk, "storage_type": "local",
		"cpu_type": cpu, "architecture": arch, "included_traffic": int64(20) << 40,
		"prices": []any{}, "deprecated": false, "deprecation": nil, "locations": locations,
	}}
}

func image(id int64, name, desc, flavor, version, arch string, created time.Time) *resource {
	return &resource{id: id, name: name, fields: map[string]any{
		"id": id, "name": name, "description": desc, "type": "system", "status": "available",
		"image_size": nil, "disk_size": 5, "created": stamp(created), "created_from": nil,
		"bound_to": nil, "os_flavor": flavor, "os_version": version, "architecture": arch,
		"rapid_deploy": true, "protection": map[string]bool{"delete": false},
		"deprecated": nil, "deprecation": nil, "deleted": nil, "labels": map[string]string{},
	}}
}

func lbType(id int64, name string, conns, services, targets, certs int) *resource {
	return &resource{id: id, name: name, fields: map[string]any{
		"id": id, "name": name, "description": strings.ToUpper(name), "max_connections": conns,
		"max_services": services, "max_targets": targets, "max_assigned_certificates": certs,
		"prices": []any{}, "deprecated": nil, "deprecation": nil,
	}}
}
