package dev.gradtape.testing;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path for a child JVM that a test starts (to run under a small heap, or to compare
 * results across JVMs). A test that runs on the module path, patched into the module it tests,
 * sees its classes on neither {@code java.class.path} nor {@code jdk.module.path}, so the child
 * gets all three: this JVM's class path, its module path, and the folder or jar the given class
 * came from. The child then runs everything on the class path.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * A class path, joined with {@link File#pathSeparator}, on which a child JVM finds
     * {@code main} and everything this JVM can load.
     *
     * @param main the class the child will run, normally a test class with a {@code main} method
     * @return the class path for the child's {@code -cp}
     */
    public static String classPath(Class<?> main) {
        List<String> parts = new ArrayList<>();
        parts.add(locationOf(main));
        for (String key : new String[] {"java.class.path", "jdk.module.path"}) {
            String v = System.getProperty(key);
            if (v != null && !v.isBlank()) {
                parts.add(v);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    /** The folder or jar that {@code c}'s class file was read from. */
    private static String locationOf(Class<?> c) {
        String file = c.getName().replace('.', '/') + ".class";
        URL url = c.getClassLoader().getResource(file);
        if (url == null && c.getModule().isNamed()) {
            url = c.getResource("/" + file);
        }
        if (url == null) {
            throw new IllegalStateException("ChildJvm: cannot find the class file of " + c.getName());
        }
        String s = url.toString();
        if (s.startsWith("jar:file:")) {
            return Path.of(URI.create(s.substring(4, s.indexOf("!/")))).toString();
        }
        if (s.startsWith("file:")) {
            return Path.of(URI.create(s.substring(0, s.length() - file.length()))).toString();
        }
        throw new IllegalStateException("ChildJvm: " + c.getName() + " was loaded from " + s
                + ", neither a folder nor a jar");
    }
}
