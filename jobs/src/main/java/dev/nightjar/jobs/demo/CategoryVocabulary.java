package dev.nightjar.jobs.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words {@link SyntheticShop} builds one category's item titles, descriptions and search queries from.
 * Every word is specific to its category, so a sentence encoder can tell the categories apart from the text.
 *
 * @param name        the category as written in {@code items.csv} and {@code truth_users.csv}
 * @param nouns       kinds of product sold in the category ("saucepan")
 * @param attributes  adjectives and materials that fit those products ("stainless steel")
 * @param brands      made-up brand names, none of them a real company
 * @param variants    sizes and pack variants appended to some titles after a comma ("24cm")
 * @param purpose     the end of the description sentence ("made for everyday cooking")
 * @param coloured    whether titles may name a colour (not for books, food, ...)
 * @param minPriceCents lowest price in cents
 * @param maxPriceCents highest price in cents
 */
record CategoryVocabulary(
    String name,
    List<String> nouns,
    List<String> attributes,
    List<String> brands,
    List<String> variants,
    String purpose,
    boolean coloured,
    int minPriceCents,
    int maxPriceCents) {

  /** Colours a title may start with, for categories where colour is a property of the product. */
  static final List<String> COLOURS =
      List.of("red", "blue", "green", "black", "white", "grey", "navy", "pink", "yellow", "beige");

  /** All categories in a fixed order; a shop with {@code n} categories uses the first {@code n}. */
  static final List<CategoryVocabulary> ALL = List.of(
      new CategoryVocabulary("Kitchen",
          List.of("saucepan", "frying pan", "chef's knife", "cutting board", "mixing bowl", "kettle",
              "toaster", "coffee grinder", "baking tray", "spatula", "colander", "blender"),
          List.of("stainless steel", "non-stick", "cast iron", "bamboo", "ceramic", "heavy-duty"),
          List.of("Cookwell", "Ironhearth", "Panora", "Saltbox"),
          List.of("24cm", "28cm", "set of 3", "1.7 litre"),
          "made for everyday cooking", true, 800, 15_000),
      new CategoryVocabulary("Garden",
          List.of("garden hose", "pruning shears", "watering can", "flower pot", "lawn mower", "rake",
              "seed tray", "gardening gloves", "wheelbarrow", "hedge trimmer", "bird feeder", "compost bin"),
          List.of("weatherproof", "galvanised", "cordless", "terracotta", "ergonomic", "expandable"),
          List.of("Greenfield", "Rootwise", "Hedgerow", "Bloomcraft"),
          List.of("15m", "30m", "10 litre", "pack of 6"),
          "built for the garden and patio", true, 500, 30_000),
      new CategoryVocabulary("Toys",
          List.of("teddy bear", "building blocks", "jigsaw puzzle", "toy car", "doll house", "board game",
              "kite", "rocking horse", "toy train set", "hand puppet", "water pistol", "stacking rings"),
          List.of("plush", "wooden", "remote-control", "educational", "colourful", "soft"),
          List.of("Playnest", "Tinker Tots", "Wonderbox", "Jollyworks"),
          List.of("500 pieces", "ages 3+", "large", "set of 12"),
          "for hours of imaginative play", true, 500, 12_000),
      new CategoryVocabulary("Books",
          List.of("novel", "cookbook", "travel guide", "picture book", "biography", "poetry collection",
              "science fiction paperback", "history book", "crime thriller", "fantasy saga", "self-help book",
              "world atlas"),
          List.of("hardcover", "paperback", "illustrated", "bestselling", "annotated", "signed"),
          List.of("Inkwell Press", "Northlight Books", "Pagecraft", "Harbour House"),
          List.of("2nd edition", "box set", "large print", "320 pages"),
          "for readers who love a good story", false, 500, 6_000),
      new CategoryVocabulary("Electronics",
          List.of("wireless headphones", "bluetooth speaker", "phone charger", "laptop stand", "usb-c cable",
              "smartwatch", "e-reader", "power bank", "webcam", "mechanical keyboard", "computer mouse",
              "hdmi adapter"),
          List.of("wireless", "noise-cancelling", "fast-charging", "portable", "waterproof", "ultra-slim"),
          List.of("Voltix", "Sonique", "Kelvra", "Brightwave"),
          List.of("64GB", "20000mAh", "2m", "black edition"),
          "with long battery life and easy setup", true, 1_000, 90_000),
      new CategoryVocabulary("Beauty",
          List.of("lipstick", "face moisturiser", "shampoo", "nail polish", "perfume", "eyeshadow palette",
              "sunscreen", "hair dryer", "face serum", "body lotion", "mascara", "makeup brush set"),
          List.of("vegan", "fragrance-free", "matte", "hydrating", "organic", "long-lasting"),
          List.of("Lumiere", "Velvetine", "Purely", "Rosewater"),
          List.of("50ml", "200ml", "SPF 50", "travel size"),
          "for gentle daily skin and hair care", true, 400, 12_000),
      new CategoryVocabulary("Sports",
          List.of("yoga mat", "running shoes", "dumbbell", "tennis racket", "football", "cycling helmet",
              "resistance band", "water bottle", "skipping rope", "swimming goggles", "hiking backpack",
              "foam roller"),
          List.of("lightweight", "breathable", "non-slip", "adjustable", "anti-fog", "insulated"),
          List.of("Stridex", "Peakform", "Aquaflex", "Trailmark"),
          List.of("5kg", "size 10", "750ml", "25 litre"),
          "for training, running and the outdoors", true, 500, 25_000),
      new CategoryVocabulary("Pets",
          List.of("dog collar", "cat scratching post", "pet bed", "dog lead", "cat litter", "bird cage",
              "aquarium filter", "chew toy", "dry dog food", "cat treats", "pet carrier", "grooming brush"),
          List.of("orthopedic", "grain-free", "reflective", "washable", "chew-resistant", "odour-control"),
          List.of("Pawsome", "Furrytail", "Barkley", "Whiskerco"),
          List.of("10kg bag", "medium", "large breed", "pack of 4"),
          "to keep your dog or cat happy", true, 300, 15_000),
      new CategoryVocabulary("Office",
          List.of("ballpoint pen", "notebook", "desk organiser", "stapler", "office chair", "desk lamp",
              "printer paper", "whiteboard", "filing cabinet", "sticky notes", "paper shredder", "calculator"),
          List.of("ergonomic", "refillable", "recycled", "magnetic", "adjustable", "lined"),
          List.of("Deskworth", "Papyra", "Officeline", "Quillmate"),
          List.of("A4", "pack of 10", "500 sheets", "A5"),
          "for a tidy and productive desk", true, 200, 40_000),
      new CategoryVocabulary("Fashion",
          List.of("t-shirt", "denim jeans", "leather jacket", "summer dress", "wool scarf", "sneakers",
              "handbag", "baseball cap", "winter coat", "silk tie", "ankle boots", "hoodie"),
          List.of("slim-fit", "organic cotton", "waterproof", "knitted", "vintage", "oversized"),
          List.of("Norththread", "Velour and Co", "Urbanline", "Atelier Nine"),
          List.of("size M", "size L", "size 38", "unisex"),
          "for everyday style in every season", true, 800, 30_000),
      new CategoryVocabulary("Home Decor",
          List.of("scented candle", "throw pillow", "wall clock", "table lamp", "picture frame", "area rug",
              "flower vase", "curtains", "wall mirror", "plant pot", "throw blanket", "bookshelf"),
          List.of("handmade", "linen", "minimalist", "velvet", "rustic", "glass"),
          List.of("Hearthstone", "Casa Nova", "Nordhem", "Willow Lane"),
          List.of("40x40cm", "set of 2", "160x230cm", "small"),
          "to make your living room feel like home", true, 600, 40_000),
      new CategoryVocabulary("Grocery",
          List.of("olive oil", "ground coffee", "green tea", "pasta", "basmati rice", "dark chocolate",
              "honey", "breakfast cereal", "peanut butter", "sparkling water", "tomato sauce", "almond milk"),
          List.of("organic", "fair-trade", "gluten-free", "extra virgin", "whole grain", "sugar-free"),
          List.of("Harvest Lane", "Goodpantry", "Oliveto", "Morning Mill"),
          List.of("500g", "1kg", "pack of 6", "1 litre"),
          "for the weekly pantry shop", false, 100, 3_000),
      new CategoryVocabulary("Automotive",
          List.of("car wax", "tyre inflator", "dash cam", "car seat cover", "jump starter", "windscreen wiper",
              "car phone holder", "car floor mats", "motor oil", "tow rope", "car vacuum", "ice scraper"),
          List.of("heavy-duty", "universal-fit", "synthetic", "all-weather", "compact", "cordless"),
          List.of("Roadstar", "Gearline", "Motorix", "Autopro"),
          List.of("5 litre", "set of 4", "12V", "front pair"),
          "to keep your car on the road", true, 500, 25_000),
      new CategoryVocabulary("Baby",
          List.of("baby stroller", "nappy bag", "baby bottle", "teething ring", "baby monitor",
              "crib mattress", "baby wipes", "high chair", "sleep sack", "nappies", "play mat", "baby carrier"),
          List.of("BPA-free", "hypoallergenic", "foldable", "organic cotton", "anti-colic", "soft"),
          List.of("Little Sprout", "Cuddlebug", "Bambino", "Tiny Steps"),
          List.of("newborn", "pack of 3", "6-12 months", "260ml"),
          "made safe for newborns and toddlers", true, 400, 50_000),
      new CategoryVocabulary("Music",
          List.of("acoustic guitar", "guitar strings", "digital piano", "drum sticks", "ukulele",
              "microphone", "guitar amplifier", "violin", "music stand", "metronome", "harmonica",
              "vinyl record"),
          List.of("acoustic", "electric", "beginner", "professional", "handcrafted", "portable"),
          List.of("Tunewell", "Chordia", "Resono", "Stagecraft"),
          List.of("full size", "3/4 size", "88 keys", "set of 6"),
          "for practice, recording and the stage", true, 500, 90_000),
      new CategoryVocabulary("Health",
          List.of("vitamin D tablets", "first aid kit", "digital thermometer", "blood pressure monitor",
              "protein powder", "hand sanitiser", "pain relief gel", "face masks", "pill organiser",
              "heating pad", "fish oil capsules", "electric toothbrush"),
          List.of("clinically tested", "sugar-free", "rechargeable", "vegan", "fast-acting", "travel-size"),
          List.of("Vitalis", "Careline", "Wellspring", "Medipure"),
          List.of("90 tablets", "pack of 50", "1kg", "30 day supply"),
          "for everyday health and wellbeing", false, 300, 12_000));

  /**
   * Every search query a shopper interested in this category may type, lower case: each noun alone
   * ("saucepan"), with each attribute ("non-stick saucepan") and with the first variant after a comma
   * ("saucepan, 24cm").
   */
  List<String> searchQueries() {
    List<String> queries = new ArrayList<>();
    String firstVariant = variants.get(0).toLowerCase(Locale.ROOT);
    for (String noun : nouns) {
      String lowerNoun = noun.toLowerCase(Locale.ROOT);
      queries.add(lowerNoun);
      for (String attribute : attributes) {
        queries.add(attribute.toLowerCase(Locale.ROOT) + " " + lowerNoun);
      }
      queries.add(lowerNoun + ", " + firstVariant);
    }
    return List.copyOf(queries);
  }
}
