//! TLS for `--tls`: a fresh CA and a server certificate signed by it.
//!
//! kube-rs (rustls/webpki) rejects a self-signed certificate used both as CA and as server
//! certificate, so the two are separate: a CA (CA:TRUE, keyCertSign) published in the
//! kubeconfig, and a leaf (CA:FALSE, serverAuth) for `127.0.0.1` and `localhost`.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

/// Failure to make or load TLS material.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("generating certificates")]
    Generate(#[from] rcgen::Error),
    #[error("configuring TLS")]
    Config(#[from] rustls::Error),
}

/// A CA and a server certificate and key, PEM and DER.
pub struct TlsMaterial {
    pub ca_pem: String,
    pub ca_der: Vec<u8>,
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

impl TlsMaterial {
    /// Generates a CA and a server certificate for 127.0.0.1 and localhost.
    pub fn generate() -> Result<TlsMaterial, TlsError> {
        let ca_key = KeyPair::generate()?;
        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.distinguished_name
            .push(DnType::CommonName, "kube-sim-ca");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca, ca_key);

        let key = KeyPair::generate()?;
        let mut leaf = CertificateParams::new(vec!["localhost".to_owned()])?;
        leaf.distinguished_name.push(DnType::CommonName, "kube-sim");
        leaf.subject_alt_names
            .push(SanType::IpAddress(std::net::IpAddr::from([127, 0, 0, 1])));
        leaf.is_ca = IsCa::ExplicitNoCa;
        leaf.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = leaf.signed_by(&key, &issuer)?;
        Ok(TlsMaterial {
            ca_pem: ca_cert.pem(),
            ca_der: ca_cert.der().to_vec(),
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        })
    }

    /// The rustls server configuration (HTTP/1.1 and h2 offered through ALPN).
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certs = vec![
            rustls::pki_types::CertificateDer::from(self.cert_der.clone()),
            rustls::pki_types::CertificateDer::from(self.ca_der.clone()),
        ];
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(self.key_der.clone().into());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(certs, key)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_ca_and_a_leaf() {
        let m = TlsMaterial::generate().unwrap();
        assert!(m.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_ne!(m.ca_der, m.cert_der);
        m.server_config().unwrap();
    }
}
