package io.mcastgateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Every relative link between the README, docs/ and deploy/README.md leads somewhere, anchors included. */
class DocLinksTest {

    @Test
    void shouldResolveEveryRelativeLinkAndAnchor() {
        List<String> broken = new ArrayList<>();
        for (Markdown.Page page : Markdown.pages()) {
            for (Markdown.Link link : Markdown.links(page)) {
                String target = link.target();
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page.path() : page.path().resolveSibling(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(link.where() + " " + target + ": no " + resolved);
                } else if (anchor != null && !(resolved.toString().endsWith(".md")
                        && Markdown.anchors(Markdown.page(resolved)).contains(anchor))) {
                    broken.add(link.where() + " " + target + ": no heading #" + anchor + " in " + resolved);
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void shouldLinkTheReadmeToEveryPageAndTheKubernetesGuideBothWays() {
        List<String> fromReadme = Markdown.links(Markdown.page(Path.of("README.md"))).stream().map(Markdown.Link::target).toList();
        assertThat(fromReadme).contains("docs/configuration.md", "docs/api.md", "docs/operations.md", "docs/scale-out.md",
                "docs/performance.md", "docs/design.md", "deploy/README.md");
        assertThat(Markdown.links(Markdown.page(Path.of("deploy/README.md")))).anyMatch(l -> l.target().startsWith("../docs/operations.md"));
        assertThat(Markdown.links(Markdown.page(Path.of("docs/operations.md")))).anyMatch(l -> l.target().startsWith("../deploy/README.md"));
    }

    @Test
    void shouldMakeAnchorsAsGithubDoes() {
        assertThat(Markdown.slug("`mcast.bind`: group or any")).isEqualTo("mcastbind-group-or-any");
        assertThat(Markdown.slug("Publishing: `POST /api/channels/{name}/messages`"))
                .isEqualTo("publishing-post-apichannelsnamemessages");
        assertThat(Markdown.slug("Quarkus' settings for operations")).isEqualTo("quarkus-settings-for-operations");
    }
}
