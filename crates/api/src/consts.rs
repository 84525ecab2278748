//! Every condition type, reason, annotation, label and finalizer string Flux uses.
