package io.moelab.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.jobs.data.DatasetOptions.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DatasetFiles on the local file system through Hadoop, without Spark: listing, formats, id prefixes. */
class DatasetFilesTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private Path write(String relative, String content) throws IOException {
        Path file = tmp.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static DatasetFiles list(DatasetOptions.Builder options) {
        return DatasetFiles.list(options.build(), CONF);
    }

    /** The id prefix of a local file, named the way Spark's {@code _metadata.file_path} names it. */
    private static String prefixOf(DatasetFiles files, Path file) {
        return files.idPrefix(file.toUri().toString().replaceFirst("^file:/+", "file:///"));
    }

    private static String error(DatasetOptions.Builder options) {
        return assertThrows(MoelabInputException.class, () -> list(options)).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    @Test
    void formatOfReadsTheExtensionBeneathCompressionSuffixes() {
        assertEquals(Format.PARQUET, DatasetFiles.formatOf("s3a://bucket/dir/part-0.snappy.parquet"));
        assertEquals(Format.JSONL, DatasetFiles.formatOf("file:///d/a.jsonl"));
        assertEquals(Format.JSONL, DatasetFiles.formatOf("a.JSON.gz"));
        assertEquals(Format.JSONL, DatasetFiles.formatOf("a.ndjson.zst"));
        assertEquals(Format.TEXT, DatasetFiles.formatOf("notes.txt.bz2"));
        assertEquals(Format.TEXT, DatasetFiles.formatOf("notes.text"));
        assertNull(DatasetFiles.formatOf("CARD.md"));
        assertNull(DatasetFiles.formatOf("data.csv.gz"));
        assertNull(DatasetFiles.formatOf("jsonl/README"), "a directory name says nothing");
    }

    @Test
    void normaliseMakesHadoopAndSparkFileUrisEqual() {
        assertEquals("file:///x/y.jsonl", DatasetFiles.normalise(new org.apache.hadoop.fs.Path("file:/x/y.jsonl")));
        assertEquals("file:///x/y.jsonl", DatasetFiles.normalise(new org.apache.hadoop.fs.Path("file:///x/y.jsonl")));
        assertEquals(
                "s3a://bucket/x/y.jsonl",
                DatasetFiles.normalise(new org.apache.hadoop.fs.Path("s3a://bucket/x/y.jsonl")));
    }

    @Test
    void autoUnderADirectoryReadsTheDataFilesWithPathsRelativeToIt() throws IOException {
        Path a = write("data/a.jsonl", "{}\n");
        Path b = write("data/sub/b.jsonl.gz", "");
        write("data/CARD.md", "# card\n");
        write("data/_SUCCESS", "");
        write("data/.a.jsonl.crc", "");
        DatasetFiles files = list(DatasetOptions.builder(tmp.resolve("data").toString()));
        assertEquals(Format.JSONL, files.format());
        assertEquals("a.jsonl", prefixOf(files, a));
        assertEquals("sub/b.jsonl.gz", prefixOf(files, b));
        assertThrows(
                IllegalStateException.class,
                () -> prefixOf(files, tmp.resolve("data/CARD.md")),
                "files without the format's extension are not read");
        assertThrows(IllegalStateException.class, () -> prefixOf(files, tmp.resolve("data/_SUCCESS")));
    }

    @Test
    void aGivenFormatUnderADirectoryWithoutItsExtensionReadsEveryFile() throws IOException {
        Path csv = write("plain/a.csv", "x\n");
        Path md = write("plain/b.md", "y\n");
        DatasetFiles files =
                list(DatasetOptions.builder(tmp.resolve("plain").toString()).format(Format.TEXT));
        assertEquals(Format.TEXT, files.format());
        assertEquals("a.csv", prefixOf(files, csv));
        assertEquals("b.md", prefixOf(files, md));
        assertContains(
                error(DatasetOptions.builder(tmp.resolve("plain").toString())),
                "no file with a data extension",
                "give the format");
    }

    @Test
    void filesNamedDirectlyOrByAGlobAreKnownByTheirName() throws IOException {
        Path one = write("glob/x.train.jsonl", "{}\n");
        Path two = write("glob/y.train.jsonl", "{}\n");
        write("glob/z.test.jsonl", "{}\n");
        DatasetFiles files = list(DatasetOptions.builder(tmp.resolve("glob").toString() + "/*.train.jsonl"));
        assertEquals("x.train.jsonl", prefixOf(files, one));
        assertEquals("y.train.jsonl", prefixOf(files, two));
        assertThrows(IllegalStateException.class, () -> prefixOf(files, tmp.resolve("glob/z.test.jsonl")));
    }

    @Test
    void aFileNamedDirectlyNeedsADataExtensionUnderAuto() throws IOException {
        Path csv = write("named/data.csv", "text\n");
        assertContains(
                error(DatasetOptions.builder(csv.toString())), "data.csv", "cannot tell the format from the file name");
        assertEquals(
                Format.TEXT,
                list(DatasetOptions.builder(csv.toString()).format(Format.TEXT)).format());
    }

    @Test
    void severalFormatsAreAnError() throws IOException {
        write("mixed/a.jsonl", "{}\n");
        write("mixed/b.txt", "x\n");
        assertContains(
                error(DatasetOptions.builder(tmp.resolve("mixed").toString())),
                "files of several formats",
                "JSONL",
                "TEXT");
    }

    @Test
    void missingPathAndEmptyDirectory() throws IOException {
        assertContains(
                error(DatasetOptions.builder(tmp.resolve("nope.jsonl").toString())),
                "dataset path not found: ",
                "nope.jsonl");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        write("empty/_SUCCESS", "");
        assertContains(error(DatasetOptions.builder(empty.toString())), "no data files in this directory");
    }

    @Test
    void derivedIdsMustNotCollideAcrossDatasetPaths() throws IOException {
        write("left/data.jsonl", "{}\n");
        write("right/data.jsonl", "{}\n");
        DatasetOptions.Builder both = DatasetOptions.builder(
                tmp.resolve("left").toString(), tmp.resolve("right").toString());
        assertContains(error(both), "would both get document ids 'data.jsonl:<row>'", "give an id column");
        list(both.idColumn("id")); // ids from a column: the prefixes are never used
    }
}
