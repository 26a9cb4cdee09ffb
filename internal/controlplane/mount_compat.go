package controlplane

import "github.com/iamgate/iamgate/internal/controlplane/mount"

// The mount package's names, kept here for the mounted services that name
// them through controlplane.

// MountOptions is mount.Options.
type MountOptions = mount.Options

// Authorize is mount.Authorize.
var Authorize = mount.Authorize

// CallerFrom is mount.CallerFrom.
var CallerFrom = mount.CallerFrom

// RequestIDFrom is mount.RequestIDFrom.
var RequestIDFrom = mount.RequestIDFrom
