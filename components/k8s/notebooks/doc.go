// Package notebooks runs JupyterHub (zero-to-jupyterhub 4.4.0) for the data
// scientists: single sign-on through the organisation's identity provider,
// one notebook per user on the node group a profile names (CPU, GPU, shared
// GPU), idle notebooks stopped, homes on encrypted volumes, notebooks
// non-root under the restricted Pod Security Standard, their egress limited
// to MLflow and HTTPS, and a notebook identity that reads models and writes
// only its experiments prefix.
package notebooks
