"""Input formats of Simplified Chinese: ISO first, with seconds.

A form renders a date, time or datetime in the first input format of the language and reads it back with any of
them. Django's zh_Hans puts 2021/03/15 first, which an <input type=date> cannot show (it posts the field back empty,
and a saved form wrote null over the date), and times without their seconds (a saved form dropped them). Display
formats (DATE_FORMAT and the rest) stay Django's.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05'
    "%Y/%m/%d",  # '2016/09/05'
    "%Y年%m月%d日",  # '2016年9月5日'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '20:45:29'
    "%H:%M:%S.%f",  # '20:45:29.000200'
    "%H:%M",  # '20:45'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2016-09-05 20:45:29'
    "%Y-%m-%d %H:%M:%S.%f",  # '2016-09-05 20:45:29.000200'
    "%Y-%m-%d %H:%M",  # '2016-09-05 20:45'
    "%Y/%m/%d %H:%M:%S",  # '2016/09/05 20:45:29'
    "%Y/%m/%d %H:%M:%S.%f",  # '2016/09/05 20:45:29.000200'
    "%Y/%m/%d %H:%M",  # '2016/09/05 20:45'
    "%Y年%m月%d日 %H:%M:%S",  # '2016年9月5日 20:45:29'
    "%Y年%m月%d日 %H:%M",  # '2016年9月5日 20:45'
]
