package dev.nightjar.jobs;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The Javadoc examples ({@code <pre>{@code ...}</pre>} blocks) of every main source file in transforms, models and
 * jobs are compiled with the real compiler against the real classes: each Java example becomes the body of a method
 * in the file's own package, with the file's imports. An example may use variables it does not declare (a
 * {@code ctx}, a {@code date}: the reader knows what they are), so "cannot find symbol: variable" is allowed; every
 * other error fails the test — a method that does not exist, a wrong number or type of arguments, a class that is
 * gone — naming the file, the example's line and the compiler's message. Blocks without Java (a shell command, a
 * properties file, a table) are recognised by having no line that ends in {@code ;}, and skipped. Each example gets
 * its file's imports plus {@link #COMMON_IMPORTS}. Limit: javac does not resolve a call whose arguments include an
 * undeclared variable, so declare the variables whose calls matter ({@code LocalDate date = ...}).
 */
class JavadocExamplesTest {
  private static final Pattern BLOCK = Pattern.compile("<pre>\\{@code\\s*\\n(.*?)\\n\\s*\\*?\\s*}</pre>", Pattern.DOTALL);
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
  private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+(static\\s+)?[\\w.*]+;");
  private static final Pattern TOP_LEVEL = Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+|abstract\\s+)*(?:class|record|enum|interface)\\s+(\\w+)");

  /** Imports every example gets besides its file's: Spark SQL, its functions, collections, dates, paths, column names. */
  private static final String COMMON_IMPORTS = "import java.util.*;\nimport java.time.*;\nimport java.nio.file.*;\n"
      + "import org.apache.spark.sql.*;\nimport static org.apache.spark.sql.functions.*;\nimport dev.nightjar.transforms.Columns;\n";

  /** One example: where it is and the Java source it was compiled as. */
  record Example(Path file, int line, String name, String source) {}

  @Test
  void everyJavadocExampleCompilesAgainstTheRealClasses() throws IOException {
    List<Example> examples = examples();
    assertTrue(examples.size() > 40, "found only " + examples.size() + " Java examples: is the source tree where it should be?");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "tests need a JDK (javax.tools compiler)");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path out = Files.createTempDirectory("javadoc-examples");
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      List<JavaFileObject> units = new ArrayList<>();
      for (Example e : examples) {
        units.add(new SimpleJavaFileObject(URI.create("string:///" + e.name().replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return e.source();
          }
        });
      }
      List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none",
          "-Xmaxerrs", "10000", "--add-modules", "jdk.incubator.vector");
      javac.getTask(new StringWriter(), files, diagnostics, options, null, units).call();
    }
    List<String> problems = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      String message = d.getMessage(Locale.ROOT);
      if (d.getKind() != Diagnostic.Kind.ERROR || message.contains("symbol:   variable ")) {
        continue;
      }
      Example e = examples.stream().filter(x -> d.getSource() != null && d.getSource().toUri().getPath().endsWith(x.name().replace('.', '/') + ".java"))
          .findFirst().orElse(null);
      String where = e == null ? "?" : e.file() + ":" + e.line();
      String code = e == null ? "" : e.source().lines().skip(d.getLineNumber() - 1).findFirst().orElse("").strip();
      problems.add(where + ": " + String.join(" ", message.lines().map(String::strip).toList()) + "\n    in: " + code);
    }
    assertEquals(List.of(), problems, problems.size() + " Javadoc example(s) do not compile:\n" + String.join("\n", problems));
  }

  static List<Example> examples() throws IOException {
    Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."));
    if (!Files.isDirectory(root.resolve("transforms"))) {
      root = Path.of("..");
    }
    List<Example> out = new ArrayList<>();
    for (String module : List.of("transforms", "models", "jobs")) {
      try (Stream<Path> paths = Files.walk(root.resolve(module).resolve("src/main/java"))) {
        for (Path file : paths.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          out.addAll(examplesOf(file, Files.readString(file)));
        }
      }
    }
    return out;
  }

  static List<Example> examplesOf(Path file, String text) {
    Matcher pkg = PACKAGE.matcher(text);
    Matcher top = TOP_LEVEL.matcher(text);
    if (!pkg.find() || !top.find()) {
      return List.of();
    }
    StringBuilder imports = new StringBuilder();
    Matcher imp = IMPORT.matcher(text);
    while (imp.find()) {
      imports.append(imp.group()).append('\n');
    }
    // the file's own nested types, as the Javadoc beside them names them, and what every example may take as known
    imports.append("import ").append(pkg.group(1)).append('.').append(top.group(1)).append(".*;\n").append(COMMON_IMPORTS);
    List<Example> out = new ArrayList<>();
    Matcher block = BLOCK.matcher(text);
    while (block.find()) {
      List<String> lines = block.group(1).lines().map(l -> l.replaceFirst("^\\s*\\*( |$)", "")).toList();
      if (lines.stream().noneMatch(l -> l.strip().replaceFirst("//.*$", "").strip().endsWith(";"))) {
        continue; // not Java: a command line, a properties file, a table
      }
      int line = (int) text.substring(0, block.start()).chars().filter(c -> c == '\n').count() + 2;
      String body = String.join("\n", lines).replace("{ ... }", "{ }");
      String simple = "Example_" + file.getFileName().toString().replace(".java", "") + "_" + line;
      String source = "package " + pkg.group(1) + ";\n" + imports + "class " + simple + " {\n  @SuppressWarnings(\"unused\")\n"
          + "  void example() throws Exception {\n" + body + "\n  }\n}\n";
      out.add(new Example(file, line, pkg.group(1) + "." + simple, source));
    }
    return out;
  }
}
