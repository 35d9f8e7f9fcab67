package dev.nightjar.models.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {
  @Test
  void autoTakesTheGpuOnlyWhenTheEngineSeesOne() {
    assertEquals(Device.cpu(), DeviceSelection.choose("auto", 0));
    assertEquals(Device.gpu(), DeviceSelection.choose("auto", 2));
  }

  @Test
  void cpuAlwaysTakesTheCpu() {
    assertEquals(Device.cpu(), DeviceSelection.choose("cpu", 0));
    assertEquals(Device.cpu(), DeviceSelection.choose("cpu", 4));
  }

  @Test
  void gpuTakesTheFirstGpu() {
    assertEquals(Device.gpu(), DeviceSelection.choose("gpu", 1));
  }

  @Test
  void gpuWithoutAGpuFailsNamingTheKeyAndTheValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSelection.choose("gpu", 0));

    assertTrue(e.getMessage().contains("nightjar.embedding.device"), e.getMessage());
    assertTrue(e.getMessage().contains("[auto, cpu, gpu]"), e.getMessage());
  }

  @Test
  void settingsAreCaseAndSpaceInsensitive() {
    assertEquals(Device.cpu(), DeviceSelection.choose(" CPU ", 1));
  }

  @Test
  void unknownOrMissingSettingsFailNamingTheKeyAndTheValues() {
    for (String bad : new String[] {"cuda", "", null}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSelection.choose(bad, 1));
      assertEquals("nightjar.embedding.device is '" + bad + "'; allowed values are [auto, cpu, gpu]", e.getMessage());
    }
  }

  @Test
  void thisEngineWithoutCudaRunsOnTheCpu() {
    assertEquals(Device.cpu(), DeviceSelection.forEngine("cpu", TextEncoderModel.engine()));
  }
}
