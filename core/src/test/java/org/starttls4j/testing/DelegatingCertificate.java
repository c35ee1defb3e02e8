package org.starttls4j.testing;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Principal;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * An {@link X509Certificate} that hands every call to a real one, for the certificate checks'
 * defensive paths: a certificate from another provider that fails to encode, to parse an
 * extension, or that carries a key the JDK's parser would never produce (override that method).
 */
@SuppressWarnings("deprecation") // getIssuerDN and getSubjectDN are abstract and must be forwarded
public class DelegatingCertificate extends X509Certificate {

    private static final long serialVersionUID = 1L;

    /** The certificate every call goes to. */
    protected final X509Certificate inner;

    /**
     * A certificate handing every call to {@code inner}.
     *
     * @param inner the real certificate
     */
    public DelegatingCertificate(X509Certificate inner) {
        this.inner = inner;
    }

    @Override
    public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
        inner.checkValidity();
    }

    @Override
    public void checkValidity(Date date) throws CertificateExpiredException, CertificateNotYetValidException {
        inner.checkValidity(date);
    }

    @Override
    public int getVersion() {
        return inner.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
        return inner.getSerialNumber();
    }

    @Override
    public Principal getIssuerDN() {
        return inner.getIssuerDN();
    }

    @Override
    public Principal getSubjectDN() {
        return inner.getSubjectDN();
    }

    @Override
    public X500Principal getIssuerX500Principal() {
        return inner.getIssuerX500Principal();
    }

    @Override
    public X500Principal getSubjectX500Principal() {
        return inner.getSubjectX500Principal();
    }

    @Override
    public Date getNotBefore() {
        return inner.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
        return inner.getNotAfter();
    }

    @Override
    public byte[] getTBSCertificate() throws CertificateEncodingException {
        return inner.getTBSCertificate();
    }

    @Override
    public byte[] getSignature() {
        return inner.getSignature();
    }

    @Override
    public String getSigAlgName() {
        return inner.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
        return inner.getSigAlgOID();
    }

    @Override
    public byte[] getSigAlgParams() {
        return inner.getSigAlgParams();
    }

    @Override
    public boolean[] getIssuerUniqueID() {
        return inner.getIssuerUniqueID();
    }

    @Override
    public boolean[] getSubjectUniqueID() {
        return inner.getSubjectUniqueID();
    }

    @Override
    public boolean[] getKeyUsage() {
        return inner.getKeyUsage();
    }

    @Override
    public List<String> getExtendedKeyUsage() throws CertificateParsingException {
        return inner.getExtendedKeyUsage();
    }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
        return inner.getSubjectAlternativeNames();
    }

    @Override
    public int getBasicConstraints() {
        return inner.getBasicConstraints();
    }

    @Override
    public byte[] getEncoded() throws CertificateEncodingException {
        return inner.getEncoded();
    }

    @Override
    public void verify(PublicKey key) throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
            NoSuchProviderException, SignatureException {
        inner.verify(key);
    }

    @Override
    public void verify(PublicKey key, String sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, NoSuchProviderException, SignatureException {
        inner.verify(key, sigProvider);
    }

    @Override
    public String toString() {
        return inner.toString();
    }

    @Override
    public PublicKey getPublicKey() {
        return inner.getPublicKey();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
        return inner.hasUnsupportedCriticalExtension();
    }

    @Override
    public Set<String> getCriticalExtensionOIDs() {
        return inner.getCriticalExtensionOIDs();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
        return inner.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
        return inner.getExtensionValue(oid);
    }
}
