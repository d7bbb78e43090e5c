package io.mcastgateway.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Just enough Markdown for the documentation tests: the pages, their fenced blocks, tables, headings
 * and links. No library: the pages use a small, regular subset (fences at the start of a line, pipe
 * tables, ATX headings).
 */
final class Markdown {

    private static final Pattern FENCE = Pattern.compile("^(`{3,}|~{3,})(.*)$");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

    /** A page of the documentation, its path relative to the project. */
    record Page(Path path, List<String> lines) {

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** A fenced block: its info string (after the opening fence), body, and the line it opens on (1-based). */
    record Fence(Page page, int line, String info, String body) {

        String language() {
            String[] words = info.trim().split("\\s+");
            return words[0].toLowerCase(Locale.ROOT);
        }

        boolean hasWord(String word) {
            return List.of(info.trim().split("\\s+")).contains(word);
        }

        String where() {
            return page.path() + ":" + line;
        }

        @Override
        public String toString() {
            return where() + " ```" + info;
        }
    }

    /** A table row, its cells trimmed, with the header of its table. */
    record Row(Page page, int line, List<String> header, List<String> cells) {

        String cell(String column) {
            int i = header.indexOf(column);
            return i < 0 || i >= cells.size() ? null : cells.get(i);
        }

        String where() {
            return page.path() + ":" + line;
        }
    }

    /** A link or image target as written, with the line it is on. */
    record Link(Page page, int line, String target) {

        String where() {
            return page.path() + ":" + line;
        }
    }

    private Markdown() {
    }

    /** The README, every page under docs/, and the manifests' guide deploy/README.md. */
    static List<Page> pages() {
        List<Path> paths = new ArrayList<>(List.of(Path.of("README.md"), Path.of("deploy/README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(paths::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths.stream().map(Markdown::page).toList();
    }

    static Page page(Path path) {
        try {
            return new Page(path, Files.readAllLines(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Fence> fences(Page page) {
        List<Fence> fences = new ArrayList<>();
        List<String> lines = page.lines();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String marker = open.group(1);
            StringBuilder body = new StringBuilder();
            int j = i + 1;
            while (j < lines.size() && !lines.get(j).strip().equals(marker)) {
                body.append(lines.get(j)).append('\n');
                j++;
            }
            fences.add(new Fence(page, i + 1, open.group(2).trim(), body.toString()));
            i = j;
        }
        return fences;
    }

    /** The lines outside fenced blocks, with their numbers (1-based); fenced lines become empty. */
    static List<String> prose(Page page) {
        List<String> out = new ArrayList<>(page.lines());
        for (Fence f : fences(page)) {
            int n = (int) f.body().lines().count();
            for (int i = f.line() - 1; i <= f.line() + n && i < out.size(); i++) {
                out.set(i, "");
            }
        }
        return out;
    }

    static List<Row> rows(Page page) {
        List<Row> rows = new ArrayList<>();
        List<String> lines = prose(page);
        List<String> header = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("|")) {
                header = null;
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                header = cells;
            } else if (!cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                rows.add(new Row(page, i + 1, header, cells));
            }
        }
        return rows;
    }

    /** The cells of a table line, split on the pipes that are outside code spans. */
    static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean code = false;
        String body = line.strip();
        body = body.substring(1, body.endsWith("|") && body.length() > 1 ? body.length() - 1 : body.length());
        for (char c : body.toCharArray()) {
            if (c == '`') {
                code = !code;
            }
            if (c == '|' && !code) {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().trim());
        return cells;
    }

    /** The texts of the code spans in a cell, e.g. the properties of "`a.b`, `a.c`". */
    static List<String> codeSpans(String text) {
        List<String> spans = new ArrayList<>();
        Matcher m = CODE_SPAN.matcher(text == null ? "" : text);
        while (m.find()) {
            spans.add(m.group(2).trim());
        }
        return spans;
    }

    static List<Link> links(Page page) {
        List<Link> links = new ArrayList<>();
        List<String> lines = prose(page);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll(""));
            while (m.find()) {
                links.add(new Link(page, i + 1, m.group(2)));
            }
        }
        return links;
    }

    /** The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces as '-'. */
    static List<String> anchors(Page page) {
        List<String> anchors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(page)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String slug = slug(m.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    static String slug(String heading) {
        String text = heading.toLowerCase(Locale.ROOT).replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
