// Package graph draws traceability answers as SVG pictures: a trace
// (subject up to primary standards) and an impact (a faulty standard down
// to everything it affected). Nodes are records (instruments, standards,
// primary standards); edges are certificates, coloured by their checks.
//
// Layout is Graphviz's dot engine through github.com/goccy/go-graphviz,
// which runs Graphviz compiled to WebAssembly on the pure-Go wazero
// runtime: no cgo, no system Graphviz. The package writes DOT, lets dot
// place and route it, and then marks every node and edge of the SVG with
// data attributes (data-id, data-kind, data-certificate, data-ok,
// data-checks) and a <title> naming the certificate and its checks, so a
// browser can find an edge and show its checks on click.
package graph
