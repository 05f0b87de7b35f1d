package io.punctual.kernel.letta;

import io.punctual.schemas.ContentPart;
import io.punctual.schemas.ImageSource;
import io.punctual.schemas.LettaMessage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner accepts a command's messages on the bound alone when it is within the size limit, so the bound must
 * never be below the exact size: messages of any text (control characters, quotes, non-ASCII, surrogate pairs),
 * content as a string or as text and image parts, optional fields present or not.
 */
class LettaMessagesJsonBoundTest {

    @Property(tries = 500)
    void theBoundIsNeverBelowTheExactUtf8Length(@ForAll("messages") List<LettaMessage> messages) {
        long exact = LettaMessagesJson.toJson(messages).toString().getBytes(StandardCharsets.UTF_8).length;
        assertThat(LettaMessagesJson.utf8LengthAtMost(messages)).isGreaterThanOrEqualTo(exact);
    }

    @Provide
    Arbitrary<List<LettaMessage>> messages() {
        return message().list().ofMinSize(1).ofMaxSize(4);
    }

    private Arbitrary<LettaMessage> message() {
        Arbitrary<Object> content = Arbitraries.oneOf(text(), part().list().ofMinSize(1).ofMaxSize(3).map(parts -> (Object) parts));
        return Combinators.combine(Arbitraries.of("user", "system", "assistant"), content, text().injectNull(0.5), text().injectNull(0.5),
                text().injectNull(0.5)).as((role, body, name, otid, sender) -> LettaMessage.newBuilder()
                .setRole(role).setContent(body).setName(name).setOtid(otid).setSenderId(sender).build());
    }

    private Arbitrary<ContentPart> part() {
        Arbitrary<ContentPart> textPart = text().map(t -> ContentPart.newBuilder().setType("text").setText(t).build());
        Arbitrary<ContentPart> imagePart = Combinators.combine(text(), text(), text()).as((type, mediaType, data) -> ContentPart.newBuilder()
                .setType("image").setSource(ImageSource.newBuilder().setType(type).setMediaType(mediaType).setData(data).build()).build());
        return Arbitraries.oneOf(textPart, imagePart);
    }

    /** Any chars, ASCII controls and quotes as likely as letters, and whole code points beyond the BMP. */
    private static Arbitrary<String> text() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> tricky = Arbitraries.strings().withChars("\"\\\u0000\u0001\u001f\u007f\n\té€").ofMaxLength(40);
        Arbitrary<String> astral = Arbitraries.integers().between(0x10000, 0x10FFFF).list().ofMaxSize(10)
                .map(points -> points.stream().map(Character::toString).reduce("", String::concat));
        return Arbitraries.oneOf(any, tricky, astral);
    }
}
