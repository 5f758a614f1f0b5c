// ContentKitTests.swift — the text algorithms the Swift agents share.
import ContentKit
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct ContentKitTests {
    @Test func sentencesRespectAbbreviationsDecimalsAndCitations() {
        let text = "Dr. Smith measured 3.5 kW on the roof, e.g. at noon. Output fell in winter! Was it shade? [2] Yes. [1, 3] Done."
        #expect(Text.sentences(text) == [
            "Dr. Smith measured 3.5 kW on the roof, e.g. at noon.", "Output fell in winter!", "Was it shade? [2]",
            "Yes. [1, 3]", "Done.",
        ])
        #expect(Text.removingCitations("Yes. [1, 3]") == "Yes.")
        #expect(Text.words("Well-known schools don't pay 1,000 pounds.") == ["Well-known", "schools", "don't", "pay", "1,000", "pounds"])
    }

    @Test func plainTextDropsFrontMatterHeadingsAndMarkup() {
        let markdown = "---\ntitle: \"T\"\n---\n# Heading\n\nSome **bold** and [a link](https://x.org).\n\n- item one\n- item two\n\n```\ncode\n```\n"
        #expect(Text.plainText(fromMarkdown: markdown) == "Some bold and a link.\n\nitem one\n\nitem two")
        #expect(Text.markdownTitle(markdown) == "T")
    }

    @Test func syllablesAndFleschMatchHandCountedValues() {
        let expected = ["the": 1, "table": 2, "make": 1, "wanted": 2, "jumped": 1, "energy": 3, "electricity": 5,
                        "school": 1, "solar": 2, "panels": 2, "photograph": 3]
        for (word, count) in expected { #expect(Readability.syllableCount(word) == count, "\(word)") }
        // "The cat sat on the mat." : 6 words, 6 syllables, 1 sentence.
        let score = Readability.score("The cat sat on the mat.")
        #expect(score.words == 6 && score.syllables == 6 && score.sentences == 1)
        #expect(abs(score.readingEase - (206.835 - 1.015 * 6 - 84.6)) < 1e-9)
        #expect(abs(score.grade - (0.39 * 6 + 11.8 - 15.59)) < 1e-9)
    }

    @Test func tfidfPrefersTermsDistinctiveOfADocument() {
        let tfidf = TFIDF(documents: [
            "Solar panels convert sunlight. Solar panels last decades.", "Schools use electricity. Schools pay bills.",
            "Electricity prices rise. Electricity bills rise.",
        ])
        // "electricity": 1/5 * 1.288 + 2/6 * 1.288 = 0.687 (two documents, lower idf);
        // "schools": 2/5 * 1.693 = 0.677; "solar" (2/8 in one document) beats one-off words.
        let all = tfidf.keywords(limit: 20).map(\.term)
        #expect(Array(all.prefix(2)) == ["electricity", "schools"])
        #expect(all.firstIndex(of: "solar")! < all.firstIndex(of: "sunlight")!)
        #expect(tfidf.idf("panels") > tfidf.idf("electricity"))
        #expect(tfidf.keyPhrases(in: ["Solar panels work. Solar panels last."], limit: 2).first?.term == "solar panels")
    }

    @Test func textRankPutsTheCentralSentenceFirst() {
        let sentences = [
            "Solar panels on school roofs cut electricity bills.",
            "Cats sleep most of the day in warm places.",
            "School roofs suit solar panels because they are large.",
            "Electricity bills fall when solar panels generate power.",
        ]
        let ranking = TextRank.ranking(sentences)
        #expect(ranking.first == 0)
        #expect(ranking.last == 1)
        #expect(abs(TextRank.scores(sentences).reduce(0, +) - 1) < 1e-6)
    }

    @Test func stemsMatchInflections() {
        #expect(Stem.of("planning") == "plan" && Stem.of("schools") == "school" && Stem.of("studies") == "study")
        #expect(Stem.of("glass") == "glass" && Stem.of("costs") == "cost")
    }

    @Test func markupHelpers() throws {
        #expect(Markup.slugify("Solar Power for Schools: A Guide!") == "solar-power-for-schools-a-guide")
        #expect(Markup.slugify("Café & crème brûlée") == "cafe-creme-brulee")
        #expect(Markup.slugify(String(repeating: "word ", count: 30)).count <= 60)
        #expect(Markup.escapeXML("a < b & \"c\"") == "a &lt; b &amp; &quot;c&quot;")
        #expect(Markup.truncate("one two three four", to: 10) == "one two…")
        let html = Markup.html(fromMarkdown: "# T\n\nA **b** & *c* [d](https://e.org?a=1&b=2)\n\n- x\n- y\n\n1. z\n\n> q\n\n---\n")
        #expect(html.contains("<p>A <strong>b</strong> &amp; <em>c</em> <a href=\"https://e.org?a=1&amp;b=2\">d</a></p>"))
        let parser = XMLParser(data: Data(("<div>" + html + "</div>").utf8))
        #expect(parser.parse())
    }

    @Test func referencesThatDangleAreRecognised() {
        for sentence in ["This is the output of the panels.", "During those weeks much is exported.", "It also helps.",
                         "Most of this demand falls in the day.", "However, costs rise.", "The school then buys power."] {
            #expect(Text.opensWithReference(sentence), "\(sentence)")
        }
        for sentence in ["This article looks at solar.", "Solar panels cut bills.", "Thistles grow on roofs.", "The roof is flat."] {
            #expect(!Text.opensWithReference(sentence), "\(sentence)")
        }
        #expect(Text.leansOn(previous: "It starts with an energy review.", "The review sets the size."))
        #expect(!Text.leansOn(previous: "It starts with an energy review.", "The roof must be checked."))
        #expect(Text.leansOn(previous: "Planning can need consent.", "Larger systems also need permission."))
    }

    @Test func passagesKeepASentenceWithTheOneItLeansOn() {
        let markdown = """
            # Title

            ## Holidays

            The weakness is the summer holiday. During those weeks power is exported. Clubs use more power.

            These clubs run all year.

            ## Money

            Schools pay less. Some pay nothing.
            """
        let passages = Passages.of(markdown: markdown, source: 2)
        #expect(passages.map(\.sentences) == [
            ["The weakness is the summer holiday.", "During those weeks power is exported."],
            ["Clubs use more power.", "These clubs run all year."], ["Schools pay less."], ["Some pay nothing."],
        ])
        #expect(passages.map(\.topic) == ["Holidays", "Holidays", "Money", "Money"])
        #expect(passages.allSatisfy { $0.source == 2 && !$0.opensWithReference })
        #expect(Text.articleWordCount("# T\n\n## A\n\nOne two three. [1]\n\n## Sources\n\n1. Four five (x.md)\n") == 3)
    }

    @Test func allocatorGivesBodySectionsWholeSubjectsInSourceOrder() {
        func passage(_ source: Int, _ topic: String, _ index: Int, _ text: String) -> Passage {
            Passage(source: source, topic: topic, index: index, paragraph: index, sentences: [text], opensWithReference: false)
        }
        let passages = [
            passage(1, "Cost", 0, "Panels cut the cost of power for schools."), passage(1, "Cost", 1, "Bills fall when panels generate."),
            passage(1, "Roofs", 2, "Flat roofs suit panels well enough."), passage(2, "Roofs", 0, "Roof surveys come first in any project."),
        ]
        // Section 0 wants cost, section 1 roofs.
        let relevance: [[Double]] = [[1, 1, 0, 0], [0, 0, 1, 0.5]]
        let result = PassageAllocator.allocate(
            passages: passages, roles: [.body, .body], targets: [40, 40], relevance: relevance,
            campaignRelevance: [1, 1, 1, 1], centrality: [1, 1, 1, 1])
        #expect(result == [[0, 1], [2, 3]])
    }
}
