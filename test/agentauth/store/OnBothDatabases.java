package agentauth.store;

import agentauth.support.Backend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * A store test that runs on each database (its subclass is a {@code @ParameterizedClass} over
 * {@link Backend}), each test on a fresh database migrated to the latest schema.
 */
abstract class OnBothDatabases {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;

    StoreFixture f;

    @BeforeEach
    void openFixture() {
        f = StoreFixture.open(backend, dir);
    }

    @AfterEach
    void closeFixture() {
        if (f != null) f.close();
    }
}
