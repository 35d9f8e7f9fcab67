package dev.nightjar.models.candidates;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceTest {
  @Test
  void idsAreUniqueAndLookUpTheirSource() {
    assertEquals(List.of("als", "content", "trending", "repurchase", "cooccurrence", "ease", "fallback"), Source.ids());
    for (Source s : Source.values()) {
      assertSame(s, Source.of(s.id()));
      assertTrue(Source.isSource(s.id()));
      assertTrue(s.tuningWeights().contains(0.0), s + ": tuning must be able to switch the source off");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Source.of("eas"));
    assertTrue(e.getMessage().contains("sources: als, content"), e.getMessage());
    assertFalse(Source.isSource("explore"));
  }

  @Test
  void reasonsNameTheItemBehindTheRow() {
    assertEquals("because you bought Tent", Source.ALS.reason("Tent", true, "Camping", "Stove"));
    assertEquals("shoppers with tastes like yours chose this", Source.ALS.reason(null, false, "Camping", "Stove"));
    assertEquals("similar to Tent you viewed", Source.CONTENT.reason("Tent", false, null, "Stove"));
    assertEquals("people who bought Tent also chose this", Source.EASE.reason("Tent", true, null, "Stove"));
    assertEquals(Source.EASE.reason("Tent", false, null, "x"), Source.COOCCURRENCE.reason("Tent", false, null, "x"));
    assertEquals("popular in Garden this week", Source.TRENDING.reason("Tent", true, "Garden", "Rake"));
    assertEquals("time to reorder Coffee", Source.REPURCHASE.reason(null, false, "Pantry", "Coffee"));
    assertFalse(Source.TRENDING.namesHistoryItem());
    assertEquals("popular in Garden right now", Source.FALLBACK.reason(null, false, "Garden", "Rake"));
    assertFalse(Source.FALLBACK.namesHistoryItem());
    for (Source s : Source.values()) {
      if (s != Source.FALLBACK) {
        assertTrue(Source.FALLBACK.defaultWeight() * 10 <= s.defaultWeight(), s + ": fallback must only fill, never outweigh " + s);
      }
    }
  }
}
