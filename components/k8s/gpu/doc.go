// Package gpu provides GPU: what makes GPU nodes usable and observable.
//
// The node images already bring the NVIDIA driver and container toolkit (the
// EKS AL2023 and Bottlerocket NVIDIA AMI types; AKS pools with the driver
// installed by AKS), so the platform installs the NVIDIA device plugin rather
// than the whole GPU operator. It runs only on GPU nodes (nvidia.com/gpu.present,
// set at boot) and tolerates the GPU taint (and AKS's spot taint), and it
// shares GPUs by time-slicing on node groups that ask for it, through per-group
// configs selected by the node label nvidia.com/device-plugin.config. The DCGM
// exporter reports GPU utilisation, memory, temperature and XID errors per GPU
// and, through the kubelet's pod-resources API, per pod, container and
// namespace; a ServiceMonitor lets Prometheus find it.
package gpu
