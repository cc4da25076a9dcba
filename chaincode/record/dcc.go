package record

// MaxDCCSize is the largest Digital Calibration Certificate file, in bytes,
// that metrotrace reads or keeps (10 MiB): the gateway's DCC parser refuses
// larger input before parsing it and its file store refuses to store it.
// Real certificates are tens of kilobytes.
const MaxDCCSize = 10 << 20
