package io.towerstream.cli.commands;

import io.towerstream.model.data.ClickFileFormat;
import picocli.CommandLine.ITypeConverter;

/** Lets {@code --format} take lower-case names and explain a bad one. */
final class FormatConverter implements ITypeConverter<ClickFileFormat> {
  @Override
  public ClickFileFormat convert(String value) {
    return ClickFileFormat.parse(value);
  }
}
