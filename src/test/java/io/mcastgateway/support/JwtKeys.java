package io.mcastgateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * An RSA key pair made for the tests, kept in {@code target/jwt-test/}: the gateway verifies with the
 * public key's PEM file (mcast.jwt.public-key-location), the test signs with the private key (read
 * from the file, since a test profile and the test may be loaded by different class loaders).
 */
public final class JwtKeys {

    public static final String ISSUER = "https://issuer.test.mcast-gateway";
    private static final Path DIR = Path.of("target", "jwt-test");

    private JwtKeys() {
    }

    /** The public key's PEM file, made (with its private key) on first use. */
    public static synchronized Path publicKeyFile() {
        Path pub = DIR.resolve("public.pem");
        if (!Files.exists(pub)) {
            // the same pair every time (a fixed seed): class loaders that make it at once write the same files
            KeyPair pair = seededPair();
            try {
                Files.createDirectories(DIR);
                write(DIR.resolve("private.der.b64"), Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
                write(pub, "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pair.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pub.toAbsolutePath();
    }

    /** The private key that signs tokens the gateway accepts. */
    public static PrivateKey privateKey() {
        publicKeyFile();
        try {
            byte[] der = Base64.getDecoder().decode(Files.readString(DIR.resolve("private.der.b64")).trim());
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(DIR, "key", ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static KeyPair seededPair() {
        try {
            java.security.SecureRandom seeded = java.security.SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed("mcast-gateway test key".getBytes(StandardCharsets.US_ASCII));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, seeded);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Another key pair: what it signs the gateway must refuse. */
    public static KeyPair newPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
